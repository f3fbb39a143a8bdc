package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.testing.AgentMetrics;
import io.edgecascade.app.testing.SlowOpeningEngine;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SIGTERM to a running agent: it finishes the frames in flight, writes its summary and exits 0. */
class SignalTest {

    /** The clip: 30 s of the sample video at 10 fps. */
    private static final int CLIP_FRAMES = 300;
    /** Frames decoded before the SIGTERM. */
    private static final int MID_RUN = 20;

    @Test
    void sigtermDrainsAndExitsZero(@TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 30);
        Path summary = dir.resolve("summary.json");
        int metricsPort = io.edgecascade.app.testing.Ports.free();
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                model: { path: %s, labels: %s }
                events: { path: %s }
                metrics: { listen: "127.0.0.1:%d" }
                cameras: [ { id: cam, source: %s, realtime: true } ]
                """.formatted(TestAssets.model(), TestAssets.labels(), dir.resolve("e.jsonl"), metricsPort, clip));
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
            // stop it mid-run: once it decoded MID_RUN frames (by its metrics, not by the clock: a loaded machine
            // decodes slower), far from the clip's end
            AgentMetrics.awaitDecoded(metricsPort, "cam", MID_RUN);
            // SIGTERM through the handle: Process.destroy() would also close our end of its output pipe
            agent.toHandle().destroy();
            assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "the agent did not stop after SIGTERM: " + output);
            pump.join(10_000);
            assertEquals(0, agent.exitValue(), output.toString());
            assertTrue(!pump.isAlive(), "the agent's output did not end: " + output);
        } finally {
            agent.destroyForcibly();
        }
        JsonNode cam = new ObjectMapper().readTree(summary.toFile()).get("cameras").get("cam");
        long decoded = cam.get("frames_decoded").asLong();
        assertTrue(decoded >= MID_RUN && decoded < CLIP_FRAMES, "stopped mid-run, after " + MID_RUN + " of the"
                + " clip's " + CLIP_FRAMES + " frames: " + decoded);
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

    /**
     * SIGTERM while the agent is still starting (its metrics endpoint answers, the detector sessions are being opened,
     * a forwarder would already be replaying its spool): exit 0 within {@code pipeline.shutdown_timeout_s} + 2 s
     * whatever the start-up does. With a deadline the start-up meets (20 s) the cameras are never started and the
     * summary is written; with one it cannot meet (1 s: opening two engine sessions takes longer) the process exits 0
     * at the deadline. Failed before: the JVM's own SIGTERM handling was in place until the cascade started (exit 143,
     * no summary); then, with the stop held until the start-up ended and the cascade started and stopped, the exit
     * came 7.5 s after a SIGTERM with a 5 s deadline on a loaded machine (the start-up was waited for 1 s past the
     * deadline).
     */
    @ParameterizedTest(name = "shutdown_timeout_s {0}")
    @ValueSource(ints = {20, 1})
    void sigtermWhileStartingExitsZeroWithinTheDeadline(int shutdownTimeout, @TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 30);
        Path summary = dir.resolve("summary.json");
        int metricsPort = io.edgecascade.app.testing.Ports.free();
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                model: { path: %s, labels: %s }
                threads: 1
                events: { path: %s }
                metrics: { listen: "127.0.0.1:%d" }
                pipeline: { detector_workers: 2, shutdown_timeout_s: %d, progress_interval_s: 0 }
                cameras: [ { id: cam, source: %s, realtime: true } ]
                """.formatted(TestAssets.model(), TestAssets.labels(), dir.resolve("e.jsonl"), metricsPort,
                shutdownTimeout, clip));
        String output;
        try (io.edgecascade.app.testing.AgentProcess agent = io.edgecascade.app.testing.AgentProcess.run(config,
                summary)) {
            // the endpoint answers from the start of the start-up, before the detector sessions are opened
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!healthy(metricsPort)) {
                assertTrue(System.nanoTime() < until, "the metrics endpoint did not answer: " + agent.output());
                Thread.sleep(5);
            }
            assertEquals(0, agent.count("camera cam: reading"), "signalled before the cascade started: "
                    + agent.output());
            long t0 = System.nanoTime();
            int rc = agent.terminate(60_000);
            double seconds = (System.nanoTime() - t0) / 1e9;
            output = agent.output();
            assertEquals(0, rc, output);
            assertTrue(seconds <= shutdownTimeout + 2, "exited after " + seconds + " s\n" + output);
            assertTrue(output.contains("stopping: the agent is still starting"), output);
        }
        assertFalse(output.contains("camera cam: reading"), "no camera is started after the stop: " + output);
        if (shutdownTimeout == 20) {
            JsonNode cam = new ObjectMapper().readTree(summary.toFile()).get("cameras").get("cam");
            assertEquals(0, cam.get("frames_decoded").asLong(), "stopped before any frame: " + cam);
            assertTrue(output.contains("the agent stops without starting its cameras"), output);
        }
    }

    /**
     * SIGTERM while the start-up is inside ONNX Runtime's native session creation at the stop's deadline (an engine
     * that keeps opening sessions for 15 s, as a big model's first start on a slow box does): the process exits 0 at
     * the deadline and does not crash. Failed before: the exit at the deadline (System.exit) ran ONNX Runtime's shutdown hook,
     * which closes its native environment, while the start-up thread was still inside ONNX Runtime's session creation,
     * and the JVM died of SIGBUS ("A fatal error has been detected by the Java Runtime Environment", exit 134).
     */
    @Test
    void sigtermWhileAnEngineSessionIsBeingCreatedExitsZeroWithoutACrash(@TempDir Path dir) throws Exception {
        try (io.edgecascade.app.testing.AgentProcess agent = startSlowOpening(dir, 1)) {
            long t0 = System.nanoTime();
            int rc = agent.terminate(60_000);
            double seconds = (System.nanoTime() - t0) / 1e9;
            String output = agent.output();
            assertFalse(output.contains("A fatal error has been detected"), output);
            assertEquals(0, rc, output);
            assertTrue(seconds <= 1 + 2, "exited after " + seconds + " s\n" + output);
            assertTrue(output.contains("the start-up did not end by the stop's deadline"), output);
        }
    }

    /** A second SIGTERM exits at once with 130, also while the start-up is inside ONNX Runtime, without a crash. */
    @Test
    void aSecondSigtermExits130AtOnceWithoutACrash(@TempDir Path dir) throws Exception {
        try (io.edgecascade.app.testing.AgentProcess agent = startSlowOpening(dir, 20)) {
            agent.sigterm();
            assertTrue(agent.await("stopping: the agent is still starting", 1, 60_000), agent.output());
            int rc = agent.terminate(60_000);
            String output = agent.output();
            assertFalse(output.contains("A fatal error has been detected"), output);
            assertEquals(130, rc, output);
        }
    }

    /** An agent whose engine keeps opening sessions for 15 s, once its metrics endpoint answers. */
    private static io.edgecascade.app.testing.AgentProcess startSlowOpening(Path dir, int shutdownTimeout)
            throws Exception {
        int metricsPort = io.edgecascade.app.testing.Ports.free();
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                model: { path: %s, labels: %s }
                engine: %s
                threads: 1
                events: { path: %s }
                metrics: { listen: "127.0.0.1:%d" }
                pipeline: { detector_workers: 1, shutdown_timeout_s: %d, progress_interval_s: 0 }
                cameras: [ { id: cam, source: %s } ]
                """.formatted(TestAssets.model(), TestAssets.labels(), SlowOpeningEngine.NAME, dir.resolve("e.jsonl"),
                metricsPort, shutdownTimeout, io.edgecascade.cascade.testing.TestMedia.video()));
        io.edgecascade.app.testing.AgentProcess agent = io.edgecascade.app.testing.AgentProcess.run(config,
                dir.resolve("summary.json"), java.util.Map.of("EDGE_CASCADE_CLASSPATH",
                        SlowOpeningEngine.register(dir.resolve("engine")).toString()));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!healthy(metricsPort)) {
            if (System.nanoTime() >= until) {
                agent.close();
                throw new AssertionError("the metrics endpoint did not answer: " + agent.output());
            }
            Thread.sleep(5);
        }
        return agent;
    }

    private static boolean healthy(int port) throws InterruptedException {
        try {
            return io.edgecascade.cascade.testing.Http.get("http://127.0.0.1:" + port + "/healthz").statusCode()
                    == 200;
        } catch (java.io.IOException notYet) {
            return false;
        }
    }
}
