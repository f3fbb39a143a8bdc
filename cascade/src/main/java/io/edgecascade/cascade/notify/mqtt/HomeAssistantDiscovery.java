package io.edgecascade.cascade.notify.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Home Assistant's MQTT discovery messages for one agent ({@code mqtt.home_assistant: true}), published retained to
 * {@code <discovery_prefix>/<component>/<node_id>/<object_id>/config} as Home Assistant's MQTT integration documents
 * them. One device per agent (its client id); per camera:
 *
 * <ul>
 *   <li>{@code binary_sensor} {@code <camera>_motion}: {@code <prefix>/<camera>/motion}, device class motion;</li>
 *   <li>per configured label, a {@code binary_sensor} {@code <camera>_<label>_occupancy} (on while the count is above 0)
 *       and a {@code sensor} {@code <camera>_<label>_count}, both on {@code <prefix>/<camera>/<label>};</li>
 *   <li>per configured label, a {@code camera} {@code <camera>_<label>_snapshot} on the snapshot topic;</li>
 *   <li>a {@code switch} {@code <camera>_detect}: {@code .../detect/set}, confirmed on {@code .../detect/state}.</li>
 * </ul>
 *
 * Every entity has a {@code unique_id}, the {@code device} and the availability topic ({@code online}/{@code offline}).
 */
public final class HomeAssistantDiscovery {

    /** One discovery message. */
    public record Entity(String component, String objectId, String topic, ObjectNode config) {
        public byte[] payload() {
            try {
                return JSON.writeValueAsBytes(config);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private HomeAssistantDiscovery() {
    }

    /** An id Home Assistant takes for a node or object: letters, digits, '_' and '-' only. */
    static String id(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /**
     * @param cameras each camera's configured labels ({@code detector.classes})
     * @param version the agent's version ({@code sw_version})
     */
    public static List<Entity> entities(MqttSettings settings, Map<String, List<String>> cameras, String version) {
        MqttTopics t = new MqttTopics(settings.topicPrefix());
        String node = id(settings.clientId());
        ObjectNode device = JSON.createObjectNode();
        device.putArray("identifiers").add(node);
        device.put("name", settings.clientId());
        device.put("manufacturer", "edge-cascade");
        device.put("model", "edge-cascade agent");
        device.put("sw_version", version);
        List<Entity> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> c : cameras.entrySet()) {
            String camera = c.getKey();
            ObjectNode motion = base(t, node, device, camera + " motion", camera + "_motion");
            motion.put("state_topic", t.motion(camera));
            onOff(motion);
            motion.put("device_class", "motion");
            out.add(entity(settings, node, "binary_sensor", camera + "_motion", motion));
            for (String label : c.getValue()) {
                ObjectNode occupied = base(t, node, device, camera + " " + label + " occupancy",
                        camera + "_" + label + "_occupancy");
                occupied.put("state_topic", t.count(camera, label));
                occupied.put("value_template", "{{ 'ON' if (value | int(0)) > 0 else 'OFF' }}");
                onOff(occupied);
                occupied.put("device_class", "occupancy");
                out.add(entity(settings, node, "binary_sensor", camera + "_" + label + "_occupancy", occupied));

                ObjectNode count = base(t, node, device, camera + " " + label + " count", camera + "_" + label
                        + "_count");
                count.put("state_topic", t.count(camera, label));
                count.put("state_class", "measurement");
                count.put("unit_of_measurement", label);
                out.add(entity(settings, node, "sensor", camera + "_" + label + "_count", count));

                ObjectNode snapshot = base(t, node, device, camera + " " + label + " snapshot", camera + "_" + label
                        + "_snapshot");
                snapshot.put("topic", t.snapshot(camera, label));
                out.add(entity(settings, node, "camera", camera + "_" + label + "_snapshot", snapshot));
            }
            ObjectNode detect = base(t, node, device, camera + " detect", camera + "_detect");
            detect.put("command_topic", t.set(camera, "detect"));
            detect.put("state_topic", t.settingState(camera, "detect"));
            onOff(detect);
            detect.put("state_on", "ON");
            detect.put("state_off", "OFF");
            out.add(entity(settings, node, "switch", camera + "_detect", detect));
        }
        return out;
    }

    private static ObjectNode base(MqttTopics t, String node, ObjectNode device, String name, String object) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", name);
        o.put("unique_id", node + "_" + id(object));
        o.put("availability_topic", t.available());
        o.put("payload_available", "online");
        o.put("payload_not_available", "offline");
        o.set("device", device);
        return o;
    }

    private static void onOff(ObjectNode o) {
        o.put("payload_on", "ON");
        o.put("payload_off", "OFF");
    }

    private static Entity entity(MqttSettings s, String node, String component, String object, ObjectNode config) {
        String objectId = id(object);
        return new Entity(component, objectId, s.discoveryPrefix() + "/" + component + "/" + node + "/" + objectId
                + "/config", config);
    }

    /** The payload of a discovery message as text (for logs and tests). */
    static String text(Entity e) {
        return new String(e.payload(), StandardCharsets.UTF_8);
    }
}
