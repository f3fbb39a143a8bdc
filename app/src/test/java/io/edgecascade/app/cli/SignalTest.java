package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.TestAssets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to a running agent: it finishes the frames in flight, writes its summary and exits 0. */
class SignalTest {

    @Test
    void sigtermDrainsAndExitsZero(@TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 30);
        Path summary = dir.resolve("summary.json");
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                model: { path: %s, labels: %s }
                events: { path: %s }
                metrics: { listen: "0" }
                cameras: [ { id: cam, source: %s, realtime: true } ]
                """.formatted(TestAssets.model(), TestAssets.labels(), dir.resolve("e.jsonl"), clip));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.edgecascade.app.cli.Main", "run", "--config", config.toString(), "--summary", summary.toString())
                .redirectErrorStream(true).start();
        CountDownLatch reading = new CountDownLatch(1);
        StringBuilder output = new StringBuilder();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(agent.getInputStream()))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.contains("camera cam: reading")) {
                        reading.countDown();
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        pump.start();
        try {
            assertTrue(reading.await(60, TimeUnit.SECONDS), "the agent did not start: " + output);
            Thread.sleep(3000);
            // SIGTERM through the handle: Process.destroy() would also close our end of its output pipe
            agent.toHandle().destroy();
            assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent did not stop after SIGTERM: " + output);
            pump.join(10_000);
            assertEquals(0, agent.exitValue(), output.toString());
            assertTrue(!pump.isAlive(), "the agent's output did not end: " + output);
        } finally {
            agent.destroyForcibly();
        }
        JsonNode cam = new ObjectMapper().readTree(summary.toFile()).get("cameras").get("cam");
        long decoded = cam.get("frames_decoded").asLong();
        assertTrue(decoded >= 20 && decoded < 250, "stopped early, after about 3 s of a 30 s clip: " + decoded);
        long positives = cam.get("frames_positive").asLong();
        List<String> events = Files.exists(dir.resolve("e.jsonl")) ? Files.readAllLines(dir.resolve("e.jsonl"))
                : List.of();
        assertEquals(positives, events.size(), "every positive detected before the stop was written");
        String log;
        synchronized (output) {
            log = output.toString();
        }
        assertTrue(log.contains("stopping: finishing the frames in flight"), log);
    }
}
