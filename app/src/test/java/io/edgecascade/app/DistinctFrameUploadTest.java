package io.edgecascade.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.cli.Main;
import io.edgecascade.cascade.testing.ExternalTool;
import io.edgecascade.cascade.testing.TestMedia;
import io.edgecascade.cloud.CloudServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two people walking in together: the sample video placed side by side with itself, so two tracks start on the same
 * frame and share their best frames. Against the real reference server, in both wire modes, each distinct frame
 * reaches the server once (its record file), every event's best frame is among them, and the run ends by itself.
 *
 * <p>Failed before: unary sent each shared frame once per track with the same request id; stream mode tore the
 * stream down on the second answer for that id and the run never ended.
 */
class DistinctFrameUploadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static Path twin;

    @TempDir
    Path dir;

    @BeforeAll
    static void twinVideo() throws Exception {
        Path clip = TestMedia.clip(shared, 20, 20); // a person walks in about 3 s into it
        twin = shared.resolve("twin.mp4");
        Process p = new ProcessBuilder(ExternalTool.require("ffmpeg").toString(), "-v", "error", "-y", "-i",
                clip.toString(), "-i", clip.toString(), "-filter_complex", "hstack", "-an", "-c:v", "libx264",
                "-preset", "ultrafast", "-g", "10", twin.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "ffmpeg hstack failed: " + out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"unary", "stream"})
    @Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void eachDistinctFrameIsUploadedOnceAndTheRunEnds(String mode) throws Exception {
        Path record = dir.resolve("record.txt");
        try (CloudServer server = CloudServer.start(new CloudServer.Settings("127.0.0.1", 0,
                Map.of("yolox", TestMedia.model()), record, 1))) {
            Path config = dir.resolve("twin.yaml");
            Files.writeString(config, """
                    model:
                      path: %s
                      labels: %s
                    threads: 1
                    events:
                      path: %s
                    pipeline:
                      progress_interval_s: 0
                    metrics:
                      listen: 0
                    cloud:
                      url: 127.0.0.1:%d
                      model: yolox
                      mode: %s
                      drain_seconds: 60
                      results_path: %s
                    spool:
                      dir: %s
                    cameras:
                      - id: twin
                        source: %s
                    """.formatted(TestMedia.model(), TestMedia.labels(), dir.resolve("events.jsonl"),
                    server.port(), mode, dir.resolve("results.jsonl"), dir.resolve("spool"), twin));
            assertEquals(0, Main.execute("run", "--config", config.toString(), "--summary",
                    dir.resolve("summary.json").toString()));
        }
        Map<Long, Integer> startsPerFrame = new HashMap<>();
        Set<Long> bestFrames = new HashSet<>();
        for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            JsonNode e = JSON.readTree(line);
            if (e.get("type").asText().equals("start")) {
                startsPerFrame.merge(e.get("frame").asLong(), 1, Integer::sum);
            } else if (e.get("type").asText().equals("end")) {
                bestFrames.add(e.get("best_frame").asLong());
            }
        }
        assertTrue(startsPerFrame.values().stream().anyMatch(n -> n >= 2),
                "the scene has two tracks starting on one frame: " + startsPerFrame);

        List<String> ids = Files.readAllLines(record);
        Set<String> distinct = new HashSet<>(ids);
        assertEquals(distinct.size(), ids.size(), "each frame reached the server once: " + ids);
        List<Long> frames = new ArrayList<>();
        for (String id : ids) {
            frames.add(Long.parseLong(id.split(":")[1]));
        }
        assertEquals(new HashSet<>(frames).size(), frames.size(), "one request id per frame: " + ids);
        assertTrue(frames.containsAll(bestFrames), "every event's best frame went up: " + bestFrames + " in "
                + frames);
        JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
        assertEquals(0, summary.get("spool_frames").asLong(), "every upload was acknowledged");
        assertEquals(ids.size(), summary.get("cameras").get("twin").get("frames_forwarded").asInt(),
                "the frames chosen are the frames the server got");
        assertEquals(ids.size(), Files.readAllLines(dir.resolve("results.jsonl")).size(), "one answer per frame");
        assertEquals(0, summary.get("cameras").get("twin").get("best_frames_dropped").asInt(), "within the bounds");
    }
}
