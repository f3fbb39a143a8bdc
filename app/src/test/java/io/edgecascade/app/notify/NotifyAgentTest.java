package io.edgecascade.app.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.testing.AgentProcess;
import io.edgecascade.app.testing.Ports;
import io.edgecascade.cascade.notify.webhook.Signature;
import io.edgecascade.cascade.notify.webhook.WebhookTransport;
import io.edgecascade.cascade.testing.Conditions;
import io.edgecascade.cascade.testing.Http;
import io.edgecascade.cascade.testing.Mosquitto;
import io.edgecascade.cascade.testing.MosquittoSub;
import io.edgecascade.cascade.testing.MqttRecorder;
import io.edgecascade.cascade.testing.Promtool;
import io.edgecascade.cascade.testing.TestMedia;
import io.edgecascade.cascade.testing.WebhookReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edge-cascade run} in its own JVM, telling a real mosquitto (password from the environment, Home Assistant
 * discovery) and a webhook receiver (signed) about a looped clip's people: commands change a camera and are confirmed,
 * the sinks' counters are in a real scrape, SIGKILL makes the broker publish the will ({@code offline}); and what the
 * outboxes held when the agent was stopped, then killed mid-delivery, is delivered after the next start.
 */
class NotifyAgentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "edge-cascade";
    private static final String HOOK_SECRET = "hook-secret-from-the-environment";
    private static final Map<String, String> ENV = Map.of("MQTT_PASSWORD", Mosquitto.PASSWORD, "HOOK_SECRET",
            HOOK_SECRET);

    @TempDir
    Path dir;

    private Path config(Mosquitto broker, WebhookReceiver receiver, int metricsPort) throws Exception {
        Path clip = TestMedia.clip(dir, 20, 8);
        return Files.writeString(dir.resolve("edge-cascade.yml"), """
                model: { path: %s, labels: %s }
                threads: 1
                events: { path: %s }
                metrics: { listen: "%s" }
                pipeline: { progress_interval_s: 0 }
                cameras:
                  - id: lobby
                    source: %s
                    realtime: true
                    loop: true
                    detector: { classes: [person] }
                mqtt:
                  host: 127.0.0.1
                  port: %d
                  user: %s
                  password: ${MQTT_PASSWORD}
                  client_id: agent-test
                  home_assistant: true
                  stats_interval_s: 1
                  backoff_ms: 100
                  max_backoff_ms: 1000
                  outbox_dir: %s
                webhooks:
                  - name: hook
                    url: %s
                    secret: ${HOOK_SECRET}
                    timeout_ms: 1000
                    backoff_ms: 100
                    max_backoff_ms: 1000
                    max_attempts: 0
                    outbox_dir: %s
                """.formatted(TestMedia.model(), TestMedia.labels(), dir.resolve("events.jsonl"),
                metricsPort == 0 ? "0" : "127.0.0.1:" + metricsPort, clip, broker.port(), Mosquitto.USER,
                dir.resolve("outbox-mqtt"), receiver.url("/hook"), dir.resolve("outbox-hook")));
    }

    /** The lines of {@code type} in the events file so far (a line being written is left for the next look). */
    private List<JsonNode> eventLines(String type) {
        List<JsonNode> out = new ArrayList<>();
        Path events = dir.resolve("events.jsonl");
        if (!Files.exists(events)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(events)) {
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException partial) {
                    continue;
                }
                if (type.equals(n.path("type").asText())) {
                    out.add(n);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** Whether a file of the outbox folder holds {@code text} (its records carry the messages as written). */
    private static boolean holds(Path outbox, String text) {
        byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (java.util.stream.Stream<Path> files = Files.list(outbox)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                if (content.contains(new String(needle, java.nio.charset.StandardCharsets.ISO_8859_1))) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static double sample(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    @Timeout(600)
    void theAgentTellsTheBrokerAndTheWebhookTakesCommandsAndItsWillSaysOfflineWhenKilled() throws Exception {
        int metricsPort = Ports.free();
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
                WebhookReceiver receiver = WebhookReceiver.accepting();
                MqttRecorder rec = MqttRecorder.subscribe(broker, "#")) {
            Path config = config(broker, receiver, metricsPort);
            AgentProcess agent = AgentProcess.run(config, dir.resolve("summary.json"), ENV);
            try {
                rec.awaitLast(PREFIX + "/available", "online");
                MqttRecorder.Message first = rec.await("an event on " + PREFIX + "/events", m -> m.topic().equals(
                        PREFIX + "/events") && m.text().contains("\"type\":\"new\""));
                JsonNode after = JSON.readTree(first.payload()).get("after");
                assertEquals("lobby", after.get("camera").asText());
                assertEquals("person", after.get("label").asText());
                assertTrue(after.get("end_time").isNull());
                String id = after.get("id").asText();
                rec.await("the count of people in view", m -> m.topic().equals(PREFIX + "/lobby/person")
                        && m.text().matches("[0-9]+"));
                assertNotNull(rec.last(PREFIX + "/lobby/all"), rec.summary());
                rec.await("the snapshot", m -> m.topic().equals(PREFIX + "/lobby/person/snapshot")
                        && (m.payload()[0] & 0xff) == 0xff && (m.payload()[1] & 0xff) == 0xd8);
                rec.await("the camera's state", m -> m.topic().equals(PREFIX + "/lobby/state"));
                rec.await("motion", m -> m.topic().equals(PREFIX + "/lobby/motion"));
                rec.await("stats", m -> m.topic().equals(PREFIX + "/stats") && m.text().contains("\"lobby\""));
                for (String component : List.of("binary_sensor", "sensor", "camera", "switch")) {
                    rec.await("discovery of a " + component, m -> m.topic().startsWith("homeassistant/" + component
                            + "/agent-test/") && m.topic().endsWith("/config"));
                }

                // the webhook got the same event, signed with the secret from the environment
                Conditions.waitFor("the webhook's copy of " + id, () -> receiver.requests().stream().anyMatch(
                        r -> id.equals(r.header(WebhookTransport.EVENT_HEADER))));
                WebhookReceiver.Request hook = receiver.requests().stream().filter(r -> id.equals(
                        r.header(WebhookTransport.EVENT_HEADER))).findFirst().orElseThrow();
                assertTrue(Signature.verify(HOOK_SECRET, hook.body(), hook.header(Signature.HEADER)), hook.text());
                assertEquals("new", JSON.readTree(hook.body()).get("type").asText());
                assertEquals(id, JSON.readTree(hook.body()).get("after").get("id").asText());

                // a command changes the camera's motion threshold, confirmed on its state topic
                MqttRecorder.Message threshold = rec.await("the threshold's state", m -> m.topic().equals(PREFIX
                        + "/lobby/motion_threshold/state"));
                assertFalse(threshold.text().equals("37"), "the config's threshold is not the one the test sends");
                MosquittoSub.publish(broker, PREFIX + "/lobby/motion_threshold/set", "37");
                rec.awaitLast(PREFIX + "/lobby/motion_threshold/state", "37");
                assertTrue(agent.await("mqtt: camera lobby:", 1, 30_000), agent.output());
                // a bad value: one warning, and the state says what still holds
                long states = rec.count(m -> m.topic().equals(PREFIX + "/lobby/motion_threshold/state"));
                MosquittoSub.publish(broker, PREFIX + "/lobby/motion_threshold/set", "a lot");
                assertTrue(agent.await("motion_threshold/set 'a lot' ignored", 1, 60_000), agent.output());
                Conditions.waitFor("the state confirmed again", () -> rec.count(m -> m.topic().equals(PREFIX
                        + "/lobby/motion_threshold/state")) > states);
                assertEquals("37", rec.last(PREFIX + "/lobby/motion_threshold/state").text(), "unchanged");
                MosquittoSub.publish(broker, PREFIX + "/lobby/detect/set", "OFF");
                rec.awaitLast(PREFIX + "/lobby/detect/state", "OFF");
                MosquittoSub.publish(broker, PREFIX + "/lobby/detect/set", "ON");
                rec.awaitLast(PREFIX + "/lobby/detect/state", "ON");

                // the sinks' counters in a real scrape, which promtool accepts
                String scrape = Http.get("http://127.0.0.1:" + metricsPort + "/metrics").body();
                Promtool.checkMetrics(scrape);
                assertTrue(sample(scrape, "edge_cascade_sink_messages_total{outcome=\"sent\",sink=\"mqtt\"}") > 0,
                        scrape);
                assertTrue(sample(scrape, "edge_cascade_sink_messages_total{outcome=\"queued\",sink=\"mqtt\"}") > 0);
                assertTrue(sample(scrape, "edge_cascade_sink_messages_total{outcome=\"sent\",sink=\"webhook_hook\"}")
                        > 0, scrape);
                assertTrue(sample(scrape, "edge_cascade_sink_outbox_bytes{sink=\"webhook_hook\"}") >= 0, scrape);
                assertTrue(sample(scrape, "edge_cascade_sink_outbox_bytes{sink=\"mqtt\"}") >= 0, scrape);
                assertFalse(agent.output().contains(Mosquitto.PASSWORD), "the password is never logged");
                assertFalse(agent.output().contains(HOOK_SECRET), "the secret is never logged");
            } finally {
                agent.close(); // SIGKILL: no goodbye from the agent
            }
            rec.awaitLast(PREFIX + "/available", "offline");
            try (MqttRecorder late = MqttRecorder.subscribe(broker, PREFIX + "/available")) {
                late.awaitLast(PREFIX + "/available", "offline");
                assertTrue(late.last(PREFIX + "/available").retained(), "the will is retained");
            }
        }
    }

    @Test
    @Timeout(900)
    void whatTheOutboxesHeldWhenTheAgentWasStoppedAndWhenItWasKilledMidDeliveryIsDeliveredAfterARestart()
            throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
                WebhookReceiver receiver = WebhookReceiver.start(n -> WebhookReceiver.HANG)) {
            broker.stop(); // the broker is down in the first two runs, the receiver hangs on every request
            Path config = config(broker, receiver, 0);

            // run 1: events come, nothing can be delivered; stopped (SIGTERM)
            AgentProcess one = AgentProcess.run(config, dir.resolve("summary-1.json"), ENV);
            try {
                Conditions.waitFor("an event in run 1", () -> !eventLines("start").isEmpty());
                Conditions.waitFor("a request held by the receiver", () -> !receiver.requests().isEmpty());
                assertEquals(0, one.terminate(120_000), one.output());
            } finally {
                one.close();
            }
            assertTrue(one.output().contains("stay in its outbox"), one.output());

            // run 2: more events; killed while the receiver holds a request, once the new event is in both outboxes
            // (what the sinks' queues held in memory at a kill is gone; what the outboxes held is not)
            int startsBefore = eventLines("start").size();
            int requestsBefore = receiver.requests().size();
            AgentProcess two = AgentProcess.run(config, dir.resolve("summary-2.json"), ENV);
            try {
                Conditions.waitFor("an event in run 2", () -> eventLines("start").size() > startsBefore);
                String id = eventLines("start").get(startsBefore).get("event_id").asText();
                Conditions.waitFor(id + " in both outboxes", () -> holds(dir.resolve("outbox-mqtt"), id)
                        && holds(dir.resolve("outbox-hook"), id));
                Conditions.waitFor("run 2 mid-delivery", () -> receiver.requests().size() > requestsBefore);
            } finally {
                two.close(); // SIGKILL
            }
            Set<String> started = new LinkedHashSet<>();
            for (JsonNode n : eventLines("start")) {
                started.add(n.get("event_id").asText());
            }
            // the events run 1 ended (at the latest as "shutdown" at its stop); those open at run 2's kill never end
            Set<String> ended = new LinkedHashSet<>();
            for (JsonNode n : eventLines("end")) {
                ended.add(n.get("event_id").asText());
            }
            assertFalse(ended.isEmpty(), "run 1's stop ended its events");
            int held = receiver.requests().size();

            // run 3: the broker is back and the receiver answers: every message of both runs goes, in order
            broker.start();
            receiver.answer(n -> 200);
            receiver.release();
            try (MqttRecorder rec = MqttRecorder.subscribe(broker, PREFIX + "/events")) {
                AgentProcess three = AgentProcess.run(config, dir.resolve("summary-3.json"), ENV);
                try {
                    for (String id : started) {
                        List<String> types = ended.contains(id) ? List.of("new", "end") : List.of("new");
                        for (String type : types) {
                            rec.await("the " + type + " of " + id + " from the outbox", m -> m.text().contains(
                                    "\"type\":\"" + type + "\"") && m.text().contains("\"id\":\"" + id + "\""));
                        }
                        Conditions.waitFor("the webhook's " + types + " of " + id, () -> receiver.requests().stream()
                                .skip(held).filter(r -> id.equals(r.header(WebhookTransport.EVENT_HEADER)))
                                .map(r -> r.header(WebhookTransport.MESSAGE_HEADER).split("/")[1])
                                .filter(types::contains).distinct().count() == types.size());
                    }
                    assertEquals(0, three.terminate(120_000), three.output());
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\nrun 3's output:\n" + three.output() + "\nrun 2's:\n"
                            + two.output() + "\nrun 1's:\n" + one.output() + broker.log(), e);
                } finally {
                    three.close();
                }
                try (MqttRecorder late = MqttRecorder.subscribe(broker, PREFIX + "/available")) {
                    late.awaitLast(PREFIX + "/available", "offline"); // said by the agent itself at a clean stop
                }
                // MQTT: one new and one end per event id (QoS 1 copies would carry the same id and body)
                for (String id : started) {
                    for (String type : ended.contains(id) ? List.of("new", "end") : List.of("new")) {
                        List<String> copies = rec.all().stream().map(MqttRecorder.Message::text)
                                .filter(t -> t.contains("\"type\":\"" + type + "\"")
                                        && t.contains("\"id\":\"" + id + "\"")).toList();
                        assertEquals(1, new LinkedHashSet<>(copies).size(), id + " " + type + ": " + copies);
                    }
                }
            }
            // webhook: run 3 sent every message once; a message sent again after the kill (or the stop) carries the
            // id of its first copy, with the same body, so the receiver can drop it
            Map<String, String> bodies = new HashMap<>();
            Set<String> inRun3 = new LinkedHashSet<>();
            List<WebhookReceiver.Request> all = receiver.requests();
            for (int i = 0; i < all.size(); i++) {
                WebhookReceiver.Request r = all.get(i);
                String messageId = r.header(WebhookTransport.MESSAGE_HEADER);
                String before = bodies.putIfAbsent(messageId, r.text());
                if (before != null) {
                    assertEquals(before, r.text(), "a copy is the same message: " + messageId);
                }
                if (i >= held) {
                    assertTrue(inRun3.add(messageId), "run 3 sent " + messageId + " once");
                }
            }
            assertTrue(all.subList(0, held).stream().anyMatch(r -> inRun3.contains(r.header(
                    WebhookTransport.MESSAGE_HEADER))), "what was in flight at the kill went again, with its id");
        }
    }
}
