package io.edgecascade.cascade.notify.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.api.CameraState;
import io.edgecascade.cascade.api.Outcome;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.Tuner;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.notify.Delivering;
import io.edgecascade.cascade.notify.DeliverySettings;
import io.edgecascade.cascade.notify.NotifyTestFrames;
import io.edgecascade.cascade.testing.Certificates;
import io.edgecascade.cascade.testing.Conditions;
import io.edgecascade.cascade.testing.Mosquitto;
import io.edgecascade.cascade.testing.MosquittoSub;
import io.edgecascade.cascade.testing.MqttRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MQTT sink against Debian's mosquitto: topics, QoS 1 across a broker restart, TLS, discovery, commands. */
class MqttSinkBrokerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "edge-cascade";

    /** The MQTT sink with its delivery thread running, and what it counted. */
    private static final class Running implements AutoCloseable {
        final Delivering.Counts counted = new Delivering.Counts();
        final Delivering<MqttSink> running;
        final MqttSink sink;

        Running(MqttSettings settings, Tuner tuner) throws Exception {
            running = Delivering.start(MqttSink.open(settings, Map.of("lobby", List.of("person")), tuner, "test",
                    counted, new BestFrames(BestFrames.Settings.DEFAULTS, 80)));
            sink = running.sink;
        }

        void accept(PositiveFrame p) throws Exception {
            running.accept(p);
        }

        @Override
        public void close() throws Exception {
            running.close();
        }
    }

    private static MqttSettings settings(Mosquitto broker, Path dir, MqttSettings.Tls tls) {
        DeliverySettings d = DeliverySettings.defaults(dir.resolve("outbox"));
        d = new DeliverySettings(d.filter(), d.outbox(), d.maxAttempts(), Duration.ofMillis(50),
                Duration.ofMillis(500));
        return new MqttSettings("127.0.0.1", broker.port(), tls, Mosquitto.USER, Mosquitto.PASSWORD, "agent-test",
                PREFIX, 1, true, "homeassistant", Duration.ofSeconds(1), d);
    }

    private static final Tuner TUNER = new Tuner() {
        @Override
        public Result tune(String camera, Map<String, Object> values) {
            return new Result(400, "not in this test");
        }

        @Override
        public Map<String, Object> values(String camera) {
            return Map.of("threshold", 25, "min_area", 0.0005, "confidence", 0.4f, "detect", true);
        }
    };

    private static JsonNode json(MqttRecorder.Message m) throws Exception {
        return JSON.readTree(m.payload());
    }

    @Test
    void eventsCountsSnapshotsStatesAndAvailabilityReachTheBroker(@TempDir Path dir) throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
                MqttRecorder rec = MqttRecorder.subscribe(broker, "#");
                Running r = new Running(settings(broker, dir, null), TUNER)) {
            rec.awaitLast(PREFIX + "/available", "online");
            r.sink.cameraState("lobby", true);
            r.sink.frame("lobby", Outcome.MOTION);
            r.accept(NotifyTestFrames.start("lobby", "lobby-1-1", 1500));
            r.accept(NotifyTestFrames.line("lobby", "lobby-1-1", io.edgecascade.cascade.api.TrackEvent.Type.UPDATE,
                    4000, 0.85f, List.of("door")));
            r.accept(NotifyTestFrames.end("lobby", "lobby-1-1", 9000));
            rec.await("the end message", m -> m.topic().equals(PREFIX + "/events") && m.text().contains("\"end\""));

            List<MqttRecorder.Message> events = rec.on(PREFIX + "/events");
            assertEquals(List.of("new", "update", "end"), events.stream().map(m -> {
                try {
                    return json(m).get("type").asText();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList(), rec.summary());
            JsonNode end = json(events.get(2));
            JsonNode after = end.get("after");
            for (String key : List.of("id", "camera", "label", "score", "top_score", "box", "area", "start_time",
                    "end_time", "current_zones", "entered_zones", "stationary", "has_snapshot", "has_clip")) {
                assertTrue(after.has(key), "after." + key + " in " + after);
            }
            assertEquals("lobby-1-1", after.get("id").asText());
            assertEquals("person", after.get("label").asText());
            assertEquals(0.9, after.get("top_score").asDouble(), 1e-6);
            assertEquals(List.of(100, 50, 160, 200), List.of(after.get("box").get(0).asInt(),
                    after.get("box").get(1).asInt(), after.get("box").get(2).asInt(), after.get("box").get(3).asInt()));
            assertEquals(60 * 150, after.get("area").asInt());
            assertEquals(NotifyTestFrames.T0.plusMillis(1000).toEpochMilli() / 1000.0,
                    after.get("start_time").asDouble(), 1e-3, "epoch seconds of the first sighting");
            assertEquals(NotifyTestFrames.T0.plusMillis(9000).toEpochMilli() / 1000.0,
                    after.get("end_time").asDouble(), 1e-3);
            assertTrue(json(events.get(0)).get("after").get("end_time").isNull(), "null while active");
            assertEquals("door", after.get("entered_zones").get(0).asText());
            assertTrue(after.get("has_snapshot").asBoolean());
            assertEquals(json(events.get(1)).get("after"), end.get("before"), "before is the previous after");

            // the count of people in view: 0 at the start, 1, then 0, retained
            List<MqttRecorder.Message> counts = rec.on(PREFIX + "/lobby/person");
            assertEquals(List.of("0", "1", "0"), counts.stream().map(MqttRecorder.Message::text).toList());
            assertEquals("0", rec.last(PREFIX + "/lobby/all").text());
            // the snapshot is a JPEG, published before the new message
            MqttRecorder.Message snap = rec.last(PREFIX + "/lobby/person/snapshot");
            assertNotNull(snap, rec.summary());
            assertEquals(0xff, snap.payload()[0] & 0xff);
            assertEquals(0xd8, snap.payload()[1] & 0xff);
            assertTrue(rec.on(PREFIX + "/lobby/person/snapshot").get(0).receivedNanos() <= events.get(0)
                    .receivedNanos());
            rec.awaitLast(PREFIX + "/lobby/state", "streaming");
            rec.awaitLast(PREFIX + "/lobby/motion", "ON");
            rec.awaitLast(PREFIX + "/lobby/detect/state", "ON");
            rec.awaitLast(PREFIX + "/lobby/motion_threshold/state", "25");
            MqttRecorder.Message stats = rec.await("stats", m -> m.topic().equals(PREFIX + "/stats"));
            assertTrue(json(stats).get("cameras").get("lobby").has("camera_fps"), stats.text());
            r.sink.cameraHealth("lobby", CameraState.BACKOFF, "refused");
            rec.awaitLast(PREFIX + "/lobby/state", "backoff");
            Conditions.waitFor("sent counted", () -> r.counted.of("sent") >= 8);
        }
    }

    @Test
    void aNewMadeWhileTheBrokerIsDownArrivesAfterItsRestartAndBeforeTheEnd(@TempDir Path dir) throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
                MosquittoSub sub = MosquittoSub.start(broker, PREFIX + "/events", dir);
                Running r = new Running(settings(broker, dir, null), TUNER)) {
            Conditions.waitFor("connected", () -> r.sink.brokerConnected());
            broker.stop();
            Conditions.waitFor("the agent sees the broker gone", () -> !r.sink.brokerConnected());
            r.accept(NotifyTestFrames.start("lobby", "lobby-7-1", 1500));
            Conditions.waitFor("the new in the outbox", () -> r.counted.any("queued"));
            assertTrue(sub.lines().isEmpty(), "nothing can arrive while the broker is down: " + sub.lines());
            broker.start();
            Conditions.waitFor("the new after the restart: " + sub.lines(), () -> sub.lines().stream()
                    .anyMatch(l -> l.contains("lobby-7-1")));
            r.accept(NotifyTestFrames.end("lobby", "lobby-7-1", 5000));
            Conditions.waitFor("the end: " + sub.lines(), () -> sub.lines().stream()
                    .anyMatch(l -> l.contains("\"type\":\"end\"")));
            List<String> types = sub.lines().stream().filter(l -> l.contains("lobby-7-1"))
                    .map(l -> l.contains("\"type\":\"new\"") ? "new" : l.contains("\"type\":\"end\"") ? "end"
                            : "other").toList();
            assertEquals(List.of("new", "end"), types, "exactly one of each at QoS 1, new first: " + sub.lines());
        }
    }

    @Test
    void overTlsFromATestCa(@TempDir Path dir) throws Exception {
        Certificates.Pair ca = Certificates.authority(dir, "ca");
        Certificates.Pair server = Certificates.issued(dir, ca, "broker");
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"), server, ca.cert());
                MqttRecorder rec = MqttRecorder.subscribe(broker, PREFIX + "/#", ca.cert());
                Running r = new Running(settings(broker, dir, new MqttSettings.Tls(ca.cert(), null, null)), TUNER)) {
            rec.awaitLast(PREFIX + "/available", "online");
            r.accept(NotifyTestFrames.start("lobby", "lobby-2-1", 1500));
            rec.await("the new over TLS", m -> m.topic().equals(PREFIX + "/events") && m.text().contains("lobby-2-1"));
        }
    }

    @Test
    void aWrongPasswordIsReportedAndTheMessagesWait(@TempDir Path dir) throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            MqttSettings good = settings(broker, dir, null);
            MqttSettings bad = new MqttSettings(good.host(), good.port(), null, good.user(), "wrong", good.clientId(),
                    PREFIX, 1, false, "homeassistant", Duration.ofSeconds(60), good.delivery());
            try (Running r = new Running(bad, TUNER)) {
                r.accept(NotifyTestFrames.start("lobby", "lobby-3-1", 1500));
                Conditions.waitFor("queued", () -> r.counted.any("queued"));
                assertFalse(r.sink.brokerConnected());
                assertFalse(r.counted.any("sent"));
            }
            // the next start, with the right password, sends what waited
            try (MqttRecorder rec = MqttRecorder.subscribe(broker, PREFIX + "/events");
                    Running r = new Running(good, TUNER)) {
                rec.await("the new that waited", m -> m.text().contains("lobby-3-1"));
            }
        }
    }

    @Test
    void anEventLeftOpenByTheLastRunLeavesNoCountUpAtTheNextStart(@TempDir Path dir) throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
                MqttRecorder rec = MqttRecorder.subscribe(broker, PREFIX + "/lobby/#")) {
            try (Running r = new Running(settings(broker, dir, null), TUNER)) {
                r.accept(NotifyTestFrames.start("lobby", "lobby-8-1", 1500)); // its end never comes
                rec.awaitLast(PREFIX + "/lobby/person", "1");
            }
            try (Running r = new Running(settings(broker, dir, null), TUNER)) {
                rec.awaitLast(PREFIX + "/lobby/person", "0");
                rec.awaitLast(PREFIX + "/lobby/all", "0");
            }
        }
    }

    /** What Home Assistant requires of each component's discovery payload (its MQTT integration's docs). */
    private static final Map<String, Set<String>> REQUIRED = Map.of(
            "binary_sensor", Set.of("state_topic"),
            "sensor", Set.of("state_topic"),
            "camera", Set.of("topic"),
            "switch", Set.of("command_topic"));

    @Test
    void homeAssistantDiscoveryHasTheKeysEachComponentRequires(@TempDir Path dir) throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
                MqttRecorder rec = MqttRecorder.subscribe(broker, "homeassistant/#");
                Running r = new Running(settings(broker, dir, null), TUNER)) {
            Conditions.waitFor("5 discovery messages: " + rec.summary(), () -> rec.all().size() >= 5);
            Map<String, Integer> components = new ConcurrentHashMap<>();
            for (MqttRecorder.Message m : rec.all()) {
                assertTrue(m.topic().matches("homeassistant/(binary_sensor|sensor|camera|switch)/agent-test/"
                        + "[A-Za-z0-9_-]+/config"), m.topic());
                String component = m.topic().split("/")[1];
                components.merge(component, 1, Integer::sum);
                JsonNode c = json(m);
                for (String key : REQUIRED.get(component)) {
                    assertTrue(c.hasNonNull(key) && !c.get(key).asText().isEmpty(), component + " needs " + key
                            + ": " + c);
                }
                assertTrue(c.hasNonNull("unique_id"), c.toString());
                assertEquals(PREFIX + "/available", c.get("availability_topic").asText());
                assertEquals("agent-test", c.get("device").get("identifiers").get(0).asText(), "one device per agent");
                String topic = c.has("state_topic") ? c.get("state_topic").asText() : c.has("topic")
                        ? c.get("topic").asText() : c.get("command_topic").asText();
                assertTrue(topic.startsWith(PREFIX + "/lobby/"), topic);
            }
            assertEquals(Map.of("binary_sensor", 2, "sensor", 1, "camera", 1, "switch", 1), components);
            // retained: a client that subscribes later gets every one of them at once
            try (MqttRecorder late = MqttRecorder.subscribe(broker, "homeassistant/#")) {
                Conditions.waitFor("retained discovery: " + late.summary(), () -> late.all().size() >= 5);
                assertNull(late.all().stream().filter(m -> !m.retained()).findAny().orElse(null), late.summary());
            }
        }
    }
}
