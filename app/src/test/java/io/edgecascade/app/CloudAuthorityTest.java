package io.edgecascade.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.cli.Main;
import io.edgecascade.app.testing.TestConfigs;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.forward.Forwarder;
import io.edgecascade.cloud.CloudServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code cloud.authority} against the real reference cloud server standing in for a KServe InferenceService
 * behind its ingress ({@code edge-cascade cloud --authority}: only calls sent to that Host are routed). Reached
 * at its address without the authority, the agent is refused (NOT_FOUND, named in the log) and keeps every frame
 * in the spool; with {@code cloud.authority} set, the next run delivers those and its own, each once.
 */
class CloudAuthorityTest {

    private static final String HOST = "yolox.models.example.com";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path config(String name, int port, String authority) throws Exception {
        Path clip = dir.resolve("clip-20-10.mp4");
        if (!Files.exists(clip)) {
            clip = TestAssets.personClip(dir, 20, 10);
        }
        return Files.writeString(dir.resolve(name + ".yaml"), TestConfigs.head(dir.resolve(name + "-events.jsonl"),
                "{ progress_interval_s: 0 }") + """
                cloud:
                  url: 127.0.0.1:%d
                  %s
                  model: yolox
                  forward: positives
                  backoff_ms: 100
                  max_backoff_ms: 500
                  drain_seconds: %d
                  results_path: %s
                spool: { dir: %s }
                cameras: [ { id: cam, source: %s } ]
                """.formatted(port, authority == null ? "" : "authority: " + authority, authority == null ? 2 : 60,
                dir.resolve("results.jsonl"), dir.resolve("spool"), clip));
    }

    private JsonNode run(Path config) throws Exception {
        Path summary = dir.resolve("summary.json");
        assertEquals(0, Main.execute("run", "--config", config.toString(), "--summary", summary.toString()));
        return JSON.readTree(summary.toFile());
    }

    @Test
    @Timeout(240)
    void framesReachAServerThatRoutesOnTheHostOnlyWithTheAuthoritySet() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ch.qos.logback.classic.Logger forward =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Forwarder.class.getPackageName());
        forward.addAppender(log);
        Path record = dir.resolve("record.txt");
        try (CloudServer server = CloudServer.start(new CloudServer.Settings("127.0.0.1", 0,
                Map.of("yolox", TestAssets.model()), record, 1).withAuthority(HOST))) {
            JsonNode refused = run(config("refused", server.port(), null));
            long positives = refused.get("cameras").get("cam").get("frames_positive").asLong();
            assertTrue(positives > 0, "the clip has positives: " + refused);
            assertEquals(0, refused.get("cameras").get("cam").get("forwarded").asLong(), refused.toString());
            assertTrue(refused.get("spool_bytes").asLong() > 0, "the refused frames wait in the spool: " + refused);
            assertFalse(Files.exists(record) && !Files.readAllLines(record).isEmpty(),
                    "no call was routed to the model without the authority");
            List<String> said = log.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("no route for authority '127.0.0.1:" + server.port() + "'")).toList();
            assertFalse(said.isEmpty(), "the log names the refusal and the authority it sent");

            JsonNode routed = run(config("routed", server.port(), HOST));
            JsonNode cam = routed.get("cameras").get("cam");
            assertEquals(0, routed.get("spool_bytes").asLong(), "the spool emptied: " + routed);
            assertEquals(positives + cam.get("frames_positive").asLong(), cam.get("forwarded").asLong(),
                    "this run's positives and the ones the refused run left in the spool: " + routed);
        } finally {
            forward.detachAppender(log);
        }
        List<String> ids = Files.readAllLines(record);
        assertEquals(ids.size(), new HashSet<>(ids).size(), "each frame reached the model once: " + ids);
        assertEquals(ids.size(), Files.readAllLines(dir.resolve("results.jsonl")).size());
    }
}
