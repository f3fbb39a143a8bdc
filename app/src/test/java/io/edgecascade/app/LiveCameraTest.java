package io.edgecascade.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.edgecascade.app.testing.AgentProcess;
import io.edgecascade.app.testing.TestConfigs;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.testing.RtspServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live cameras against a real RTSP server (GStreamer's) that is killed and restarted, comes up late, and stalls;
 * cameras that can never connect (closed port, wrong path, wrong credentials, a URL that is not video) keep
 * retrying without disturbing the others. The agent runs as its own process and ends only on SIGTERM.
 */
class LiveCameraTest {

    private static final String CREDENTIALS = "viewer:s3cret";

    private static Path config(Path dir, String cameras) throws Exception {
        return Files.writeString(dir.resolve("c.yaml"), TestConfigs.head(dir.resolve("e.jsonl"),
                "{ progress_interval_s: 0 }") + """
                cameras:
                %s
                """.formatted(cameras));
    }

    @Test
    void reconnectsAfterEveryRestartWhileBrokenCamerasKeepRetrying(@TempDir Path dir) throws Exception {
        HttpServer notVideo = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        notVideo.createContext("/", x -> {
            byte[] body = "<!DOCTYPE html>\n<html><body>camera login page</body></html>\n"
                    .getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "text/html");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        notVideo.start();
        int closedPort;
        try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Path summary = dir.resolve("summary.json");
        try (RtspServer server = new RtspServer(dir, TestAssets.personVideo(), List.of("cam"), CREDENTIALS)) {
            server.start();
            String retry = "reconnect: { initial_ms: 200, max_ms: 2000 }, stall_seconds: 5";
            Path config = config(dir, """
                      - { id: cam, source: "%s", %s }
                      - { id: closed, source: "rtsp://127.0.0.1:%d/x", %s }
                      - { id: wrongpath, source: "%s", %s }
                      - { id: wrongauth, source: "%s", %s }
                      - { id: notvideo, source: "http://127.0.0.1:%d/index.html", %s }
                    """.formatted(server.url("cam", CREDENTIALS), retry, closedPort, retry,
                    server.url("nope", CREDENTIALS), retry, server.url("cam", "viewer:wrong"), retry,
                    notVideo.getAddress().getPort(), retry));
            try (AgentProcess agent = AgentProcess.run(config, summary)) {
                assertTrue(agent.await("camera cam: streaming", 1, 60_000), agent.output());
                for (int restart = 1; restart <= 10; restart++) {
                    Thread.sleep(1500); // frames flow for a while
                    server.stop();
                    Thread.sleep(500);
                    server.start();
                    long back = System.nanoTime();
                    assertTrue(agent.await("camera cam: streaming again", restart, 5_000),
                            "restart " + restart + ": not streaming within 5 s of the server coming back\n"
                                    + agent.output());
                    assertTrue(System.nanoTime() - back < 5_000_000_000L);
                }
                Thread.sleep(1500);
                assertEquals(0, agent.terminate(30_000), agent.output());
                String log = agent.output();
                assertFalse(log.contains("s3cret") || log.contains("viewer:wrong"), "credentials in the log:\n" + log);
                for (String id : List.of("closed", "wrongpath", "wrongauth", "notvideo")) {
                    assertTrue(log.lines().anyMatch(l -> l.contains("WARN") && l.contains("camera " + id + ": ")),
                            "no error line for " + id + "\n" + log);
                    assertTrue(log.lines().anyMatch(l -> l.contains("camera " + id + ": ") && l.contains("(attempt 2)")),
                            "no retry of " + id + "\n" + log);
                }
                assertTrue(log.contains("Connection refused"), log);
                assertTrue(log.contains("401") || log.contains("authoriz"), log);
            }
        } finally {
            notVideo.stop(0);
        }
        String json = Files.readString(summary);
        assertFalse(json.contains("s3cret") || json.contains("viewer:wrong"), "credentials in the summary: " + json);
        JsonNode cams = new ObjectMapper().readTree(json).get("cameras");
        JsonNode cam = cams.get("cam");
        assertTrue(cam.get("reconnects").asLong() >= 10, json);
        assertTrue(cam.get("frames_decoded").asLong() > 150, "frames kept flowing: " + json);
        for (String id : List.of("closed", "wrongpath", "wrongauth", "notvideo")) {
            JsonNode c = cams.get(id);
            assertEquals(0, c.get("frames_decoded").asLong(), json);
            assertNotNull(c.get("last_error").textValue(), json);
            assertTrue(List.of("backoff", "connecting").contains(c.get("state").asText()), json);
        }
    }

    @Test
    void lateServerIsPickedUpAndAStallIsCaughtByTheWatchdog(@TempDir Path dir) throws Exception {
        Path summary = dir.resolve("summary.json");
        try (RtspServer server = new RtspServer(dir, TestAssets.personVideo(), List.of("cam"), null)) {
            Path config = config(dir, """
                      - { id: cam, source: "%s", stall_seconds: 2, reconnect: { initial_ms: 500, max_ms: 4000 } }
                    """.formatted(server.url("cam", null)));
            try (AgentProcess agent = AgentProcess.run(config, summary)) {
                assertTrue(agent.await("camera cam: reading", 1, 60_000), agent.output());
                Thread.sleep(10_000);
                server.start();
                assertTrue(agent.await("camera cam: streaming", 1, 5_000),
                        "not streaming within 5 s of the late server coming up\n" + agent.output());
                Thread.sleep(1000);
                server.stall();
                assertTrue(agent.await("camera cam: stalled", 1, 6_000), "the watchdog did not fire\n"
                        + agent.output());
                server.resume();
                assertTrue(agent.await("camera cam: streaming again", 2, 10_000), agent.output());
                assertEquals(0, agent.terminate(30_000), agent.output());
            }
        }
        JsonNode cam = new ObjectMapper().readTree(summary.toFile()).get("cameras").get("cam");
        assertTrue(cam.get("stalls").asLong() >= 1, cam.toString());
        assertTrue(cam.get("reconnects").asLong() >= 1, cam.toString());
        assertEquals("streaming", cam.get("state").asText(), cam.toString());
    }
}
