package io.edgecascade.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.testing.MainRunner;
import io.edgecascade.app.testing.Ports;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.testing.RawHttp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page of a running agent (a file camera read at real time), seen the ways a user meets it: a browser
 * (headless Chromium), the live stream, the JSON, tuning from the page, and a SIGHUP after editing the file.
 * One agent serves every check, in the order the video allows: the first person walks in after about 6 s.
 */
class WebPageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int FPS = 5;

    @TempDir
    Path dir;

    @Test
    void theAgentsPageShowsTunesAndReloads() throws Exception {
        int port = Ports.free();
        String base = "http://127.0.0.1:" + port;
        Path config = dir.resolve("agent.yaml");
        String original = """
                # the page's test agent
                model:
                  path: %s
                  labels: %s
                threads: 1
                events: { path: %s }
                metrics:
                  listen: 0
                ui:
                  listen: 127.0.0.1:%d
                  persist: true              # tuning is written back here
                  preview_fps: %d
                cameras:
                  - id: lobby
                    source: %s
                    realtime: true
                    motion:
                      threshold: 255         # nothing passes the gate until the page lowers this
                      min_interval_ms: 200
                    zones:
                      right_half: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]]
                """.formatted(TestAssets.model(), TestAssets.labels(), dir.resolve("events.jsonl"), port, FPS,
                TestAssets.personVideo());
        Files.writeString(config, original);
        try (Agent agent = new Agent(config); Chromium chromium = new Chromium(dir)) {
            agent.await("camera lobby: reading", 90);

            // Nobody watches: nothing is encoded, and the closed gate passes nothing. The page's ratio covers the
            // last 3 s and the very first frame always passes (no background yet): wait until that frame has left
            // the window while frames keep coming, however fast this machine decodes them.
            JsonNode cam = awaitCamera(base, c -> c.get("fps").asDouble() > 0
                    && c.get("pass_ratio").asDouble() == 0, 60, "the closed gate kept passing frames");
            assertEquals("running", cam.get("state").asText(), cam.toString());
            assertEquals(0, cam.get("preview_encodes").asLong(), "encoded with nobody watching: " + cam);

            // The live stream: multipart JPEGs that decode, never faster than the cap (the file is 10 fps): 11
            // frames span at least 10 intervals of 1/FPS s (less a little for the first frame's delivery).
            long t0 = System.nanoTime();
            List<BufferedImage> frames = mjpeg(base + "/cameras/lobby/stream.mjpeg", 2 * FPS + 1, 60);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds >= 0.75 * 2 * FPS / FPS, frames.size() + " frames in " + seconds
                    + " s; the cap is " + FPS + "/s");
            assertTrue(camera(base).get("preview_encodes").asLong() >= frames.size());
            BufferedImage debug = ImageIO.read(new ByteArrayInputStream(getBytes(base + "/cameras/lobby/motion.jpg")));
            assertNotNull(debug, "the motion debug view is a JPEG");

            // Bad input: the 404 names the cameras; the 400 is what 'config validate' says of the same value.
            HttpResponse<String> unknown = put(base + "/cameras/garage/tuning", "{\"threshold\": 30}");
            assertEquals(404, unknown.statusCode(), unknown.body());
            assertTrue(unknown.body().contains("lobby"), unknown.body());
            HttpResponse<String> outOfRange = put(base + "/cameras/lobby/tuning", "{\"threshold\": 300}");
            assertEquals(400, outOfRange.statusCode(), outOfRange.body());
            Path bad = dir.resolve("bad.yaml");
            Files.writeString(bad, original.replace("threshold: 255", "threshold: 300"));
            MainRunner.Result validate = MainRunner.run("config", "validate", bad.toString());
            assertEquals(2, validate.exitCode(), validate.err());
            assertEquals(validate.err().strip(), bad + ": " + outOfRange.body().strip());

            // Tuning: the gate opens within seconds, and the file changes in those two values only.
            HttpResponse<String> tuned = put(base + "/cameras/lobby/tuning", "{\"threshold\": 1, \"min_area\": 0}");
            assertEquals(200, tuned.statusCode(), tuned.body());
            awaitCamera(base, c -> c.get("pass_ratio").asDouble() > 0.3, 60, "the pass ratio stayed low");
            String expected = original.replace("      threshold: 255         # nothing",
                    "      threshold: 1           # nothing").replace("      min_interval_ms: 200\n",
                    "      min_interval_ms: 200\n      min_area: 0\n");
            assertEquals(expected, Files.readString(config));

            // A browser: the page lists the camera and its tile shows a frame.
            assertPageShowsTheCamera(chromium, base + "/", "ui-page.png");

            // A person walks in: an event, and a green box on the page and on the event's snapshot.
            JsonNode events = awaitEvents(base, 90);
            assertTrue(awaitDetectionBox(chromium, 60), "no detection box on the page; events " + events);
            Instant previous = Instant.MAX;
            for (JsonNode e : JSON.readTree(get(base + "/events").body())) {
                Instant start = Instant.parse(e.get("start").asText());
                assertTrue(!start.isAfter(previous), "events are newest first");
                previous = start;
            }
            JsonNode first = events.get(events.size() - 1);
            BufferedImage snapshot = ImageIO.read(new ByteArrayInputStream(getBytes(base
                    + first.get("snapshot").asText())));
            assertNotNull(snapshot, "the snapshot is a JPEG");
            assertTrue(greenPixels(snapshot, new int[] {0, 0, snapshot.getWidth(), snapshot.getHeight()}) > 100,
                    "the snapshot shows its box");

            if (agent.output().contains("SIGHUP is ignored in this process")) {
                // started with SIGHUP ignored (this build runs under nohup): the JVM cannot take it back, and the
                // agent said so at start; the reload itself is tested where SIGHUP reaches it
                assertEquals(0, agent.stop(), agent.output());
                return;
            }
            // SIGHUP: a changed value applies with one line; a broken file is reported and the run goes on.
            Files.writeString(config, Files.readString(config).replace("min_area: 0\n", "min_area: 0.002\n"));
            agent.signal("HUP");
            // generous: the reload re-reads and re-validates the file, slow on a loaded 2-core CI box
            agent.await("config reload: camera lobby motion.min_area 0 -> 0.002", 30);
            assertEquals(0.002, camera(base).get("min_area").asDouble(), 1e-9);
            Files.writeString(config, Files.readString(config) + "bogus: [\n");
            agent.signal("HUP");
            agent.await("is not valid, keeping the running config", 30);
            assertEquals("running", camera(base).get("state").asText());
            assertEquals(0.002, camera(base).get("min_area").asDouble(), 1e-9);

            assertEquals(0, agent.stop(), agent.output());
        }
    }

    /**
     * Opens the page in the browser and checks that it lists the camera and that the camera's tile shows a frame
     * (the screenshot kept in target/ under {@code name}).
     */
    static void assertPageShowsTheCamera(Chromium chromium, String url, String name) throws Exception {
        chromium.open(url);
        assertTrue(chromium.dom().contains("data-camera=\"lobby\""), chromium.dom());
        // the tile starts with a still, then becomes the live stream; the figures come from the page's script
        assertTrue(chromium.await("document.querySelector('img.live').naturalWidth > 0"
                + " && document.querySelector('.camera .fps').textContent !== '-'", 60),
                "the page shows no frame or no figures: " + chromium.dom());
        BufferedImage page = chromium.screenshot(1280, 900);
        int[] tile = liveTile(page);
        assertTrue(tile[4] > 20, "the camera tile is blank (brightness spread " + tile[4] + ")");
        keep(chromium.lastShot(), name);
    }

    /** Screenshots the open page until its live view shows a detection box (kept as target/ui-person.png). */
    private static boolean awaitDetectionBox(Chromium chromium, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long green = 0;
        while (System.nanoTime() < deadline) {
            BufferedImage withPerson = chromium.screenshot(1280, 900);
            green = greenPixels(withPerson, liveTile(withPerson));
            if (green >= 40) {
                keep(chromium.lastShot(), "ui-person.png");
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Keeps a screenshot in target/ (where the README's pictures of the page come from). */
    private static void keep(Path shot, String name) throws IOException {
        Files.copy(shot, Path.of("target", name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static JsonNode camera(String base) throws Exception {
        JsonNode cams = JSON.readTree(get(base + "/api/cameras").body());
        assertEquals(1, cams.size(), cams.toString());
        return cams.get(0);
    }

    /** Polls the camera's figures until {@code condition} holds; fails with them when it does not in time. */
    private static JsonNode awaitCamera(String base, java.util.function.Predicate<JsonNode> condition, int seconds,
            String failure) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        JsonNode cam = camera(base);
        while (!condition.test(cam)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure + " within " + seconds + " s: " + cam);
            }
            Thread.sleep(250);
            cam = camera(base);
        }
        return cam;
    }

    private static JsonNode awaitEvents(String base, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode events = JSON.readTree(get(base + "/events").body());
            if (events.size() > 0) {
                return events;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no event within " + seconds + " s");
    }

    /**
     * The live view's box in a screenshot: the first run of over 100 rows that are mostly not the tile's white
     * between x=40 and x=660 (where the page puts the first camera's image); {x, y, width, height, spread of
     * brightness inside}.
     */
    private static int[] liveTile(BufferedImage page) {
        int top = -1;
        int bottom = -1;
        for (int y = 60; y < page.getHeight(); y++) {
            int photo = 0;
            for (int x = 40; x < 660; x += 4) {
                if ((page.getRGB(x, y) & 0xffffff) != 0xffffff) {
                    photo++;
                }
            }
            if (photo > 120) {
                if (top < 0) {
                    top = y;
                }
                bottom = y;
            } else if (top >= 0 && bottom - top > 100) {
                break;
            } else {
                top = -1;
            }
        }
        assertTrue(top >= 0 && bottom - top > 100, "no camera image on the page");
        int min = 255;
        int max = 0;
        for (int y = top; y <= bottom; y += 3) {
            for (int x = 40; x < 660; x += 3) {
                int rgb = page.getRGB(x, y);
                int lum = (((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255)) / 3;
                min = Math.min(min, lum);
                max = Math.max(max, lum);
            }
        }
        return new int[] {30, top, 640, bottom - top + 1, max - min};
    }

    /** Pixels of the detection boxes' green (JPEG blurs it a little). */
    private static long greenPixels(BufferedImage image, int[] box) {
        long n = 0;
        for (int y = box[1]; y < Math.min(image.getHeight(), box[1] + box[3]); y++) {
            for (int x = box[0]; x < Math.min(image.getWidth(), box[0] + box[2]); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 255;
                int g = (rgb >> 8) & 255;
                int b = rgb & 255;
                if (g > 170 && r < 110 && b < 110) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Reads {@code count} parts of a multipart/x-mixed-replace stream (within {@code seconds}); every part must be a
     * JPEG that decodes.
     */
    private static List<BufferedImage> mjpeg(String url, int count, int seconds) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setReadTimeout(seconds * 1000);
        assertEquals(200, c.getResponseCode());
        String type = c.getContentType();
        assertTrue(type.startsWith("multipart/x-mixed-replace; boundary="), type);
        String boundary = "--" + type.substring(type.indexOf("boundary=") + 9);
        List<BufferedImage> frames = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        try (InputStream raw = c.getInputStream(); DataInputStream in = new DataInputStream(raw)) {
            while (frames.size() < count) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("only " + frames.size() + " of " + count + " frames in " + seconds + " s");
                }
                String line = RawHttp.line(in);
                if (line.isEmpty()) {
                    continue;
                }
                assertEquals(boundary, line);
                int length = -1;
                for (String h = RawHttp.line(in); !h.isEmpty(); h = RawHttp.line(in)) {
                    if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:")) {
                        assertEquals("image/jpeg", h.substring(13).trim());
                    }
                    if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(h.substring(15).trim());
                    }
                }
                assertTrue(length > 0, "a part without Content-Length");
                byte[] jpeg = new byte[length];
                in.readFully(jpeg);
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
                assertNotNull(img, "a part that is not a JPEG");
                frames.add(img);
            }
        } finally {
            c.disconnect();
        }
        return frames;
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] getBytes(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return r.body();
    }

    /** A PUT as the page's script sends it: with the page's own Origin (a browser adds it). */
    private static HttpResponse<String> put(String url, String body) throws IOException, InterruptedException {
        URI uri = URI.create(url);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Origin", uri.getScheme() + "://"
                        + uri.getRawAuthority()).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
