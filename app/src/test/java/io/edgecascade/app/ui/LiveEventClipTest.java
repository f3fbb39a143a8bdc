package io.edgecascade.app.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.testing.Ports;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.testing.RtspServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code record.events} with a live camera: GStreamer's RTSP server streams the person video (its H.264 as it is);
 * the agent's clip of the first event plays, is the camera's own H.264 copied (packet for packet), is
 * {@code pre_s + event + post_s} long, and the page lists and serves it.
 */
class LiveEventClipTest {

    private static final double PRE_S = 1;
    private static final double POST_S = 1.5;
    private static final Pattern WRITTEN = Pattern.compile("record: camera cam event (\\S+): \\S+ \\(");

    @TempDir
    Path dir;

    @Test
    void aLiveCamerasEventClipIsItsOwnPacketsFromPreToPost() throws Exception {
        int port = Ports.free();
        String base = "http://127.0.0.1:" + port;
        Path events = dir.resolve("events.jsonl");
        Path clips = dir.resolve("clips");
        try (RtspServer server = new RtspServer(dir, TestAssets.personVideo(), List.of("cam"), null)) {
            server.start();
            Path config = Files.writeString(dir.resolve("c.yaml"), """
                    model: { path: %s, labels: %s }
                    threads: 1
                    events: { path: %s }
                    metrics: { listen: 0 }
                    ui: { listen: "127.0.0.1:%d" }
                    record: { events: true, pre_s: %s, post_s: %s, dir: %s }
                    cameras: [ { id: cam, source: "%s" } ]
                    """.formatted(TestAssets.model(), TestAssets.labels(), events, port, PRE_S, POST_S, clips,
                    server.url("cam", null)));
            String eventId;
            byte[] served;
            JsonNode listed;
            try (Agent agent = new Agent(config)) {
                agent.await("record: camera cam event", 90);
                Matcher m = WRITTEN.matcher(agent.output());
                assertTrue(m.find(), agent.output());
                eventId = m.group(1);
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                JsonNode list = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                        URI.create(base + "/events")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                listed = null;
                for (JsonNode e : list) {
                    if (e.get("id").asText().equals(eventId)) {
                        listed = e;
                    }
                }
                assertTrue(listed != null && listed.has("clip"), "event " + eventId + " listed with a clip: " + list);
                HttpResponse<byte[]> clip = http.send(HttpRequest.newBuilder(URI.create(base
                        + listed.get("clip").asText())).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, clip.statusCode());
                assertEquals("video/mp4", clip.headers().firstValue("Content-Type").orElse(""));
                served = clip.body();
                assertEquals(0, agent.stop(), agent.output());
                assertFalse(agent.output().contains("live camera"), "no 'live cameras get no clips' warning");
            }
            Path file = clips.resolve(eventId + ".mp4");
            assertArrayEquals(Files.readAllBytes(file), served, "the page serves the clip file");

            JsonNode end = null;
            ObjectMapper json = new ObjectMapper();
            for (String line : Files.readAllLines(events)) {
                JsonNode e = json.readTree(line);
                if (e.get("event_id").asText().equals(eventId) && e.get("type").asText().equals("end")) {
                    end = e;
                }
            }
            assertTrue(end != null, "the clip's event ended in the events file");
            for (String line : Files.readAllLines(events)) {
                JsonNode e = json.readTree(line);
                if (e.get("type").asText().equals("end")) { // those still open at SIGTERM too: flushed on close
                    assertTrue(Files.isRegularFile(clips.resolve(e.get("event_id").asText() + ".mp4")),
                            "no clip of " + e);
                }
            }
            assertEquals("h264", EventClipTest.probe(file, "stream=codec_name").strip(), "the camera's codec");
            double seconds = Double.parseDouble(EventClipTest.probe(file, "format=duration").strip());
            double expected = PRE_S + end.get("duration_s").asDouble() + POST_S;
            System.out.printf(java.util.Locale.ROOT, "live clip %s: %.2f s, expected %.2f s%n", eventId, seconds,
                    expected);
            // starts at the key frame at or before (one a second), ends with the first packet past post_s
            assertTrue(seconds >= expected - 0.5 && seconds <= expected + 1.5,
                    "clip of " + seconds + " s for " + expected + " s: " + end);

            // Stream copy: the clip's pictures are the camera's own, byte counts equal and in the same order
            // (key frames excepted: the RTSP server repeats SPS/PPS in front of them).
            List<Integer> clipSizes = deltaSizes(file);
            List<Integer> cameraSizes = deltaSizes(TestAssets.personVideo());
            assertTrue(clipSizes.size() >= 10, "packets of the clip: " + clipSizes);
            assertTrue(Collections.indexOfSubList(cameraSizes, clipSizes) >= 0,
                    "the clip's packets are not the camera's: " + clipSizes);
        }
    }

    /** Sizes of the non-key packets, in order. */
    private static List<Integer> deltaSizes(Path video) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String line : EventClipTest.probe(video, "packet=size,flags").split("\n")) {
            String[] f = line.strip().split(",");
            if (f.length == 2 && !f[1].startsWith("K")) {
                sizes.add(Integer.parseInt(f[0]));
            }
        }
        return sizes;
    }
}
