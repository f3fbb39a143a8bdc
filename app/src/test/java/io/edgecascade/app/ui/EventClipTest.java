package io.edgecascade.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.testing.MainRunner;
import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code record.events}: each event's clip plays, copied from the camera's stream, pre_s + event + post_s long. */
class EventClipTest {

    @TempDir
    Path dir;

    @Test
    void everyEndedEventHasAClipOfItsTimeCopiedFromTheCamera() throws Exception {
        Path clip = TestAssets.personClip(dir, 4, 12); // the first person walks in about 2.5 s into it
        Path events = dir.resolve("events.jsonl");
        Path clips = dir.resolve("clips");
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                model: { path: %s, labels: %s }
                threads: 1
                events: { path: %s }
                metrics: { listen: 0 }
                record: { events: true, pre_s: 1, post_s: 1.5, dir: %s }
                cameras: [ { id: lobby, source: %s } ]
                """.formatted(TestAssets.model(), TestAssets.labels(), events, clips, clip));
        MainRunner.Result r = MainRunner.run("run", "--config", config.toString());
        assertEquals(0, r.exitCode(), r.err());

        double clipSeconds = Double.parseDouble(probe(clip, "format=duration").strip());
        String cameraCodec = probe(clip, "stream=codec_name").strip();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> ends = new ArrayList<>();
        for (String line : Files.readAllLines(events)) {
            JsonNode e = json.readTree(line);
            if (e.get("type").asText().equals("end")) {
                ends.add(e);
            }
        }
        assertFalse(ends.isEmpty(), "no event ended: " + r.err());
        for (JsonNode e : ends) {
            Path file = clips.resolve(e.get("event_id").asText() + ".mp4");
            assertTrue(Files.isRegularFile(file), "no clip " + file + "\n" + r.err());
            assertEquals(cameraCodec, probe(file, "stream=codec_name").strip(), "stream copy, the camera's codec");
            double seconds = Double.parseDouble(probe(file, "format=duration").strip());
            double start = Math.max(0, e.get("start_pts_ms").asLong() / 1000.0 - 1);
            double end = Math.min(clipSeconds, (e.get("start_pts_ms").asLong() + e.get("duration_s").asDouble() * 1000)
                    / 1000.0 + 1.5);
            // starts at the key frame before (one a second), ends at the one after
            assertTrue(seconds >= end - start - 0.3 && seconds <= end - start + 2.1,
                    "clip of " + seconds + " s for " + start + ".." + end + " s: " + e);
        }
        assertTrue(r.err().contains("record: camera lobby event"), r.err());
    }

    /** ffprobe's values of the first video stream's {@code entries}, one line per item, fields comma-separated. */
    static String probe(Path video, String entries) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", entries,
                "-of", "csv=p=0", video.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "ffprobe (Debian ffmpeg) failed: " + out);
        return out;
    }
}
