package io.edgecascade.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.testing.Ports;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.testing.RawHttp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running agent with {@code ui.token} and {@code metrics.token} from the environment, met the ways a user and an
 * attacker meet it: requests under a foreign host name (DNS rebinding) and without the token get nothing and change
 * nothing; a script with the bearer token sees frames; a browser (headless Chromium) logs in through the form and
 * uses the page, tuning included; the token never reaches the log.
 */
class LockedDownPageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UI_TOKEN = "ui-" + Long.toHexString(Double.doubleToLongBits(Math.random())) + "-x7";
    private static final String METRICS_TOKEN = "metrics-token-for-prometheus-01";

    @TempDir
    Path dir;

    @Test
    void withoutTheTokenOrUnderAnotherNameNothingIsSeenOrChanged() throws Exception {
        int port = Ports.free();
        int metricsPort = Ports.free();
        Path config = dir.resolve("agent.yaml");
        String text = """
                model: { path: %s, labels: %s }
                threads: 1
                events: { path: %s }
                metrics:
                  listen: 127.0.0.1:%d
                  token: ${EDGE_METRICS_TOKEN}
                ui:
                  listen: 127.0.0.1:%d
                  token: ${EDGE_UI_TOKEN}
                  allowed_hosts: [nuc.example]
                  persist: true
                cameras:
                  - id: lobby
                    source: %s
                    realtime: true
                    loop: true
                """.formatted(TestAssets.model(), TestAssets.labels(), dir.resolve("events.jsonl"), metricsPort, port,
                TestAssets.personVideo());
        Files.writeString(config, text);
        String self = "127.0.0.1:" + port;
        String origin = "http://" + self;
        RawHttp page = RawHttp.loopback(port);
        RawHttp metrics = RawHttp.loopback(metricsPort);
        String bearer = "Bearer " + UI_TOKEN;
        try (Agent agent = new Agent(config, Map.of("EDGE_UI_TOKEN", UI_TOKEN, "EDGE_METRICS_TOKEN", METRICS_TOKEN));
                Chromium chromium = new Chromium(dir)) {
            agent.await("camera lobby: reading", 90);
            // a frame is there to be seen: the bearer header sees it
            JsonNode cam = awaitFrame(page, self, bearer);
            assertEquals(25, cam.get("threshold").asInt(), cam.toString());

            // DNS rebinding: a foreign Host gets 403 everywhere but /healthz, token or not
            for (String[] request : requests()) {
                for (String[] credentials : List.of(new String[] {}, new String[] {"Authorization", bearer})) {
                    RawHttp.Response r = page.send(request[0], request[1], "evil.example:" + port, body(request[0]),
                            concat(credentials, "Origin", "http://evil.example:" + port, "Content-Type",
                                    "application/json"));
                    assertEquals(403, r.status(), request[0] + " " + request[1] + ": " + r.body());
                }
            }
            for (String path : List.of("/metrics", "/readyz", "/")) {
                RawHttp.Response r = metrics.send("GET", path, "evil.example", null, "Authorization",
                        "Bearer " + METRICS_TOKEN);
                assertEquals(403, r.status(), "metrics " + path);
            }
            assertEquals(200, page.send("GET", "/healthz", "evil.example", null).status());
            assertEquals(200, metrics.send("GET", "/healthz", "evil.example", null).status());

            // Without the token: nothing seen, nothing changed
            for (String[] request : requests()) {
                RawHttp.Response r = page.send(request[0], request[1], self, body(request[0]), "Origin", origin,
                        "Content-Type", "application/json");
                assertEquals(401, r.status(), request[0] + " " + request[1] + ": " + r.body());
                assertFalse(String.valueOf(r.header("Content-Type")).matches("(image|multipart|application/json).*"));
            }
            RawHttp.Response browser = page.send("GET", "/", self, null, "Accept", "text/html");
            assertEquals(303, browser.status());
            assertEquals("/login?next=%2F", browser.header("Location"));
            assertEquals(401, metrics.send("GET", "/metrics", self, null).status());
            RawHttp.Response probe = metrics.send("GET", "/readyz", "127.0.0.1:" + metricsPort, null);
            assertTrue(probe.status() == 200 || probe.status() == 503, probe.body());
            assertFalse(probe.body().contains("lobby"), "a probe without the token sees no camera: " + probe.body());
            assertEquals(25, camera(page, self, bearer).get("threshold").asInt(), "nothing was tuned");
            assertEquals(text, Files.readString(config), "nothing was written into the config");

            // Scripts: the bearer header; Prometheus: the metrics token
            RawHttp.Response scrape = metrics.send("GET", "/metrics", "localhost:" + metricsPort, null,
                    "Authorization", "Bearer " + METRICS_TOKEN);
            assertEquals(200, scrape.status());
            assertTrue(scrape.body().contains("edge_cascade_frames_total{camera=\"lobby\",outcome=\"decoded\"}"));
            assertEquals(200, page.send("GET", "/api/cameras", "nuc.example:" + port, null, "Authorization", bearer)
                    .status(), "a name of ui.allowed_hosts");

            // A browser: the login form, an HttpOnly session, the page with its live view, tuning from the page
            chromium.logIn("http://" + self + "/", UI_TOKEN);
            assertEquals(origin + "/", chromium.location());
            assertFalse(chromium.evaluate("document.cookie").asText().contains("edge_cascade_session"),
                    "the session cookie is HttpOnly: the page's script cannot read it");
            WebPageTest.assertPageShowsTheCamera(chromium, origin + "/", "ui-page-logged-in.png");
            JsonNode tuned = chromium.evaluate("fetch('/cameras/lobby/tuning', {method: 'PUT', headers:"
                    + " {'Content-Type': 'application/json'}, body: JSON.stringify({threshold: 30})})"
                    + ".then(r => r.status)");
            assertEquals(200, tuned.asInt(), "the page's own tuning works with a session");
            assertEquals(30, camera(page, self, bearer).get("threshold").asInt());
            agent.await("camera lobby motion.threshold 25 -> 30", 30);

            assertEquals(0, agent.stop(), agent.output());
            assertFalse(agent.output().contains(UI_TOKEN), "the ui token reached the log:\n" + agent.output());
            assertFalse(agent.output().contains(METRICS_TOKEN), "the metrics token reached the log");
        }
    }

    /** Waits (generously) until the live view has a frame; returns the camera's figures. */
    private static JsonNode awaitFrame(RawHttp page, String self, String bearer) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (true) {
            RawHttp.Response r = page.send("GET", "/cameras/lobby/latest.jpg", self, null, "Authorization", bearer);
            if (r.status() == 200) {
                assertEquals("image/jpeg", r.header("Content-Type"));
                break;
            }
            assertEquals(503, r.status(), r.body()); // no frame yet
            assertTrue(System.nanoTime() < deadline, "no frame within 90 s");
        }
        byte[] jpeg = jpeg(page, self, bearer);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertNotNull(image, "the live view is a JPEG");
        return camera(page, self, bearer);
    }

    private static byte[] jpeg(RawHttp page, String self, String bearer) throws Exception {
        // RawHttp reads text; fetch the image's bytes with the JDK client, which may send the bearer header
        java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://" + self + "/cameras/lobby/latest.jpg"))
                .header("Authorization", bearer).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private static JsonNode camera(RawHttp page, String self, String bearer) throws Exception {
        RawHttp.Response r = page.send("GET", "/api/cameras", self, null, "Authorization", bearer);
        assertEquals(200, r.status(), r.body());
        return JSON.readTree(r.body()).get(0);
    }

    /** Every kind of request the page answers: pages, JSON, live views, snapshots, clips, tuning. */
    private static List<String[]> requests() {
        return List.of(new String[] {"GET", "/"}, new String[] {"GET", "/ui.js"}, new String[] {"GET", "/api/cameras"},
                new String[] {"GET", "/events"}, new String[] {"GET", "/cameras/lobby/stream.mjpeg"},
                new String[] {"GET", "/cameras/lobby/latest.jpg"}, new String[] {"GET", "/cameras/lobby/motion.mjpeg"},
                new String[] {"GET", "/cameras/lobby/motion.jpg"}, new String[] {"GET", "/events/x/snapshot.jpg"},
                new String[] {"GET", "/events/x/clip.mp4"}, new String[] {"PUT", "/cameras/lobby/tuning"},
                new String[] {"GET", "/nowhere?x=" + URLEncoder.encode("<b>", StandardCharsets.UTF_8)});
    }

    private static String body(String method) {
        return method.equals("PUT") ? "{\"threshold\":200}" : null;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
