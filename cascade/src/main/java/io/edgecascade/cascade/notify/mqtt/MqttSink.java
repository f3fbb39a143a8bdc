package io.edgecascade.cascade.notify.mqtt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.edgecascade.cascade.api.CameraState;
import io.edgecascade.cascade.api.Outcome;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.Tuner;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.notify.EventMessage;
import io.edgecascade.cascade.notify.EventMessages;
import io.edgecascade.cascade.notify.Outbox;
import io.edgecascade.cascade.notify.OutboxMessage;
import io.edgecascade.cascade.notify.OutboxSink;
import io.edgecascade.cascade.notify.SnapshotSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an MQTT broker what the agent sees, on Frigate-shaped topics ({@link MqttTopics}), and takes commands.
 *
 * <ul>
 *   <li>Through the outbox (durable, in order, QoS {@code mqtt.qos}): each event message on {@code <prefix>/events},
 *       the count of objects in view on {@code <prefix>/<camera>/<label>} and {@code .../all} (retained), and with a
 *       {@code new} or {@code end} the event's best frame on {@code <prefix>/<camera>/<label>/snapshot} (retained,
 *       before the event message, so a flow that reads {@code has_snapshot} finds it).</li>
 *   <li>Published as they change and again after every connect (states, where only the latest counts): {@code online}
 *       on {@code <prefix>/available} (the last will says {@code offline}), Home Assistant discovery, each camera's
 *       {@code state} and {@code motion} ({@code ON} while the gate saw motion in the last
 *       {@value #MOTION_OFF_DELAY_S} s), the tunable values on {@code .../<setting>/state}, and {@code <prefix>/stats}
 *       every {@code mqtt.stats_interval_s}.</li>
 *   <li>Commands on {@code <prefix>/<camera>/<setting>/set} ({@code detect} ON/OFF, {@code motion_threshold},
 *       {@code motion_min_area}, {@code confidence}) go to the {@link Tuner}, as a tuning from the web page: checked
 *       with the config's rules, applied at once, confirmed on {@code .../<setting>/state}; a bad value is one WARN line
 *       and changes nothing.</li>
 * </ul>
 *
 * It is also a {@link PipelineObserver} (give it to the cascade with the other observers): the counters it reads for
 * {@code motion}, {@code state} and {@code stats} are a few atomic increments per frame.
 */
public final class MqttSink extends OutboxSink implements PipelineObserver {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSink.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    /** Motion turns OFF this long after the gate last saw motion (Frigate's default). */
    static final long MOTION_OFF_DELAY_S = 30;

    /** What the observer side counts per camera, from the pipeline's threads. */
    private static final class Figures {
        final LongAdder decoded = new LongAdder();
        final LongAdder detected = new LongAdder();
        final LongAdder positive = new LongAdder();
        final LongAdder dropped = new LongAdder();
        final LongAdder events = new LongAdder();
        volatile long lastMotionNanos;
        volatile boolean everMoved;
        volatile String state = "starting";
        volatile boolean live;
        // delivery thread only
        Boolean motionSent;
        String stateSent;
        long decodedAtStats;
        long detectedAtStats;
    }

    private final MqttSettings settings;
    private final MqttTopics topics;
    private final MqttTransport mqtt;
    private final EventMessages events;
    private final Map<String, List<String>> cameras;
    private final Tuner tuner;
    private final String version;
    private final Map<String, Figures> figures = new LinkedHashMap<>();
    private final long startNanos = System.nanoTime();
    // sink thread only
    private final Map<String, Map<String, Integer>> inView = new HashMap<>();
    private final Set<String> counted = new HashSet<>();
    // delivery thread only
    private long nextStatsNanos;

    MqttSink(MqttSettings settings, Outbox outbox, SnapshotSource snapshots, Map<String, List<String>> cameras,
            Tuner tuner, String version, PipelineObserver observer, MqttTransport[] transport) {
        super("mqtt", outbox, transport[0], backoff(settings.delivery().backoff(), settings.delivery().maxBackoff()),
                snapshots, observer);
        this.settings = settings;
        this.topics = new MqttTopics(settings.topicPrefix());
        this.mqtt = transport[0];
        this.events = new EventMessages(settings.delivery().filter());
        this.cameras = new LinkedHashMap<>(cameras);
        this.tuner = tuner;
        this.version = version;
        for (String c : cameras.keySet()) {
            figures.put(c, new Figures());
        }
    }

    /**
     * Opens the MQTT sink's outbox (messages an earlier run left go first) and makes its client; the cascade runs its
     * delivery thread, which connects.
     *
     * @param cameras each camera's configured labels ({@code detector.classes}), for counts and discovery
     * @param tuner   where commands go; {@code values} gives the states confirmed
     * @param observer the metrics (the sink's counters and outbox bytes)
     * @param frames  the cameras' best frames (shared with the page and the forwarder): the snapshots
     * @throws IOException naming the folder and the fix when the outbox cannot be used
     * @throws IllegalArgumentException when the TLS files cannot be used
     */
    public static MqttSink open(MqttSettings settings, Map<String, List<String>> cameras, Tuner tuner, String version,
            PipelineObserver observer, BestFrames frames) throws IOException {
        MqttSink[] self = new MqttSink[1];
        MqttTransport transport = new MqttTransport(settings, () -> {
            if (self[0] != null) {
                self[0].disconnected();
            }
        });
        Outbox outbox = Outbox.open("mqtt", settings.delivery().outbox(), settings.delivery().maxAttempts(), "mqtt",
                observer);
        SnapshotSource snapshots = SnapshotSource.of(frames, settings.delivery().filter()::watches);
        self[0] = new MqttSink(settings, outbox, snapshots, cameras, tuner, version, observer,
                new MqttTransport[] {transport});
        try {
            self[0].resetCounts();
        } catch (IOException | RuntimeException e) {
            outbox.close();
            throw e;
        }
        return self[0];
    }

    private void disconnected() {
        signal();
    }

    /** Whether the broker connection is up now. */
    boolean brokerConnected() {
        return mqtt.connected();
    }

    // ---- the sink's thread: events into the outbox

    @Override
    protected List<OutboxMessage> messages(PositiveFrame p) {
        for (var e : p.tracks().events()) {
            if (e.type() == io.edgecascade.cascade.api.TrackEvent.Type.START) {
                Figures f = figures.get(e.camera());
                if (f != null) {
                    f.events.increment();
                }
            }
        }
        List<EventMessage> ms = events.of(p, (c, t) -> snapshots.jpeg(c, t) != null);
        List<OutboxMessage> out = new ArrayList<>();
        for (EventMessage m : ms) {
            if (m.isNew() || m.isEnd()) {
                byte[] jpeg = snapshots.jpeg(m.camera(), m.trackId());
                if (jpeg != null) {
                    out.add(new OutboxMessage(m.eventId(), topics.snapshot(m.camera(), m.label()), true, jpeg, null));
                }
            }
            out.add(new OutboxMessage(m.messageId(), topics.events(), false, m.json(), null));
            if (m.isNew() && counted.add(m.eventId())) {
                out.addAll(counts(m.camera(), m.label(), +1, m.eventId()));
            } else if (m.isEnd() && counted.remove(m.eventId())) {
                out.addAll(counts(m.camera(), m.label(), -1, m.eventId()));
            }
        }
        return out;
    }

    /**
     * Nothing is in view when a run starts: every camera's retained counts go to 0, through the outbox, after what an
     * earlier run left there. An event that was open when that run was killed (SIGKILL, power loss) never got its
     * {@code end}, so its count would otherwise stay up.
     */
    private void resetCounts() throws IOException {
        for (Map.Entry<String, List<String>> c : cameras.entrySet()) {
            for (String label : c.getValue()) {
                outbox.append(new OutboxMessage("start/" + c.getKey(), topics.count(c.getKey(), label), true,
                        text("0"), null));
            }
            outbox.append(new OutboxMessage("start/" + c.getKey(), topics.all(c.getKey()), true, text("0"), null));
        }
    }

    /** The retained counts of the camera's label and of all its objects after one came or went. */
    private List<OutboxMessage> counts(String camera, String label, int change, String eventId) {
        Map<String, Integer> labels = inView.computeIfAbsent(camera, c -> new HashMap<>());
        int n = Math.max(0, labels.getOrDefault(label, 0) + change);
        labels.put(label, n);
        int all = labels.values().stream().mapToInt(Integer::intValue).sum();
        return List.of(new OutboxMessage(eventId, topics.count(camera, label), true, text(Integer.toString(n)), null),
                new OutboxMessage(eventId, topics.all(camera), true, text(Integer.toString(all)), null));
    }

    // ---- the delivery thread: states

    @Override
    protected void connected() throws InterruptedException {
        mqtt.publishState(topics.available(), text("online"), true);
        if (settings.homeAssistant()) {
            for (HomeAssistantDiscovery.Entity e : HomeAssistantDiscovery.entities(settings, cameras, version)) {
                mqtt.publishState(e.topic(), e.payload(), true);
            }
        }
        for (String camera : cameras.keySet()) {
            Figures f = figures.get(camera);
            f.stateSent = null;
            f.motionSent = null;
            publishSettings(camera);
        }
        mqtt.subscribe(topics.commands(), this::command);
        nextStatsNanos = System.nanoTime();
    }

    @Override
    protected long idle(long now) {
        if (stopping()) {
            return TimeUnit.SECONDS.toNanos(1);
        }
        long offNanos = TimeUnit.SECONDS.toNanos(MOTION_OFF_DELAY_S);
        long next = TimeUnit.SECONDS.toNanos(1);
        for (Map.Entry<String, Figures> e : figures.entrySet()) {
            Figures f = e.getValue();
            String state = f.state;
            if (!state.equals(f.stateSent)) {
                mqtt.publishState(topics.state(e.getKey()), text(state), true);
                f.stateSent = state;
            }
            boolean motion = f.everMoved && now - f.lastMotionNanos < offNanos;
            if (f.motionSent == null || motion != f.motionSent) {
                mqtt.publishState(topics.motion(e.getKey()), text(motion ? "ON" : "OFF"), true);
                f.motionSent = motion;
            }
            if (motion) {
                next = Math.min(next, Math.max(1, f.lastMotionNanos + offNanos - now));
            }
        }
        if (now - nextStatsNanos >= 0) {
            mqtt.publishState(topics.stats(), stats(now), false);
            nextStatsNanos = now + settings.statsInterval().toNanos();
        }
        return Math.min(next, Math.max(1, nextStatsNanos - now));
    }

    /** {@code <prefix>/stats}: the figures the page shows, per camera, over the last interval. */
    private byte[] stats(long now) {
        ObjectNode root = JSON.createObjectNode();
        double interval = Math.max(1e-3, settings.statsInterval().toNanos() / 1e9);
        ObjectNode cams = root.putObject("cameras");
        for (Map.Entry<String, Figures> e : figures.entrySet()) {
            Figures f = e.getValue();
            long decoded = f.decoded.sum();
            long detected = f.detected.sum();
            ObjectNode c = cams.putObject(e.getKey());
            c.put("state", f.state);
            c.put("camera_fps", round((decoded - f.decodedAtStats) / interval));
            c.put("detection_fps", round((detected - f.detectedAtStats) / interval));
            c.put("pass_ratio", decoded == 0 ? 0 : round((double) detected / decoded));
            c.put("frames_decoded", decoded);
            c.put("detector_runs", detected);
            c.put("frames_positive", f.positive.sum());
            c.put("frames_dropped", f.dropped.sum());
            c.put("events", f.events.sum());
            c.put("motion", f.everMoved && now - f.lastMotionNanos < TimeUnit.SECONDS.toNanos(MOTION_OFF_DELAY_S));
            f.decodedAtStats = decoded;
            f.detectedAtStats = detected;
        }
        ObjectNode service = root.putObject("service");
        service.put("version", version);
        service.put("uptime_s", TimeUnit.NANOSECONDS.toSeconds(now - startNanos));
        service.put("outbox_messages", outbox.pending());
        service.put("outbox_bytes", outbox.pendingBytes());
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // strings and numbers always write
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Each tunable value of the camera on its {@code .../state} topic (retained). */
    private void publishSettings(String camera) {
        Map<String, Object> v = tuner.values(camera);
        if (v.isEmpty()) {
            return;
        }
        mqtt.publishState(topics.settingState(camera, "detect"), text(Boolean.TRUE.equals(v.get("detect")) ? "ON"
                : "OFF"), true);
        mqtt.publishState(topics.settingState(camera, "motion_threshold"), text(String.valueOf(v.get("threshold"))),
                true);
        mqtt.publishState(topics.settingState(camera, "motion_min_area"), text(String.valueOf(v.get("min_area"))),
                true);
        mqtt.publishState(topics.settingState(camera, "confidence"), text(String.valueOf(v.get("confidence"))),
                true);
    }

    // ---- commands (the client's thread)

    private void command(Mqtt3Publish p) {
        String topic = p.getTopic().toString();
        String[] cs = topics.command(topic);
        if (cs == null || !cameras.containsKey(cs[0])) {
            LOG.warn("mqtt: command on {} ignored: no camera '{}' (cameras: {})", topic, cs == null ? "?" : cs[0],
                    String.join(", ", cameras.keySet()));
            return;
        }
        String camera = cs[0];
        String value = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8).trim();
        Map<String, Object> values = new LinkedHashMap<>();
        switch (cs[1]) {
            case "detect" -> {
                String v = value.toUpperCase(Locale.ROOT);
                if (!v.equals("ON") && !v.equals("OFF")) {
                    LOG.warn("mqtt: {} '{}' ignored: send ON or OFF", topic, printable(value));
                    publishSettings(camera);
                    return;
                }
                values.put("detect", v.equals("ON"));
            }
            case "motion_threshold" -> values.put("threshold", value);
            case "motion_min_area" -> values.put("min_area", value);
            case "confidence" -> values.put("confidence", value);
            default -> {
                LOG.warn("mqtt: command on {} ignored: '{}' is not a setting; use one of {}", topic, cs[1],
                        String.join(", ", MqttTopics.SETTINGS));
                return;
            }
        }
        Tuner.Result r = tuner.tune(camera, values);
        if (r.applied()) {
            LOG.info("mqtt: {}", r.message());
        } else {
            LOG.warn("mqtt: {} '{}' ignored: {}", topic, printable(value), r.message());
        }
        publishSettings(camera); // the state topic says what holds now, changed or not
    }

    private static String printable(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 40 ? t.substring(0, 40) + "..." : t;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- the pipeline's threads: what the states are made of

    @Override
    public void frame(String camera, Outcome outcome) {
        Figures f = figures.get(camera);
        if (f == null) {
            return;
        }
        switch (outcome) {
            case DECODED -> f.decoded.increment();
            case DETECTED -> f.detected.increment();
            case POSITIVE -> f.positive.increment();
            case DROPPED -> f.dropped.increment();
            case MOTION -> {
                f.lastMotionNanos = System.nanoTime();
                if (!f.everMoved) {
                    f.everMoved = true;
                    signal();
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void cameraHealth(String camera, CameraState state, String lastError) {
        Figures f = figures.get(camera);
        if (f != null) {
            f.live = true;
            f.state = state.label();
            signal();
        }
    }

    @Override
    public void cameraState(String camera, boolean up) {
        Figures f = figures.get(camera);
        if (f == null) {
            return;
        }
        if (up && !f.live) {
            f.state = CameraState.STREAMING.label();
        } else if (!up && (!f.live || CameraState.STREAMING.label().equals(f.state))) {
            f.state = "stopped";
        }
        signal();
    }

    @Override
    public String toString() {
        return settings.toString();
    }
}
