package io.edgecascade.cascade.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A clip cut by copying packets: ffprobe sees the camera's codec and the asked length, starting at 0. */
class ClipWriterTest {

    @Test
    void copiesTheCodecAndTheWindow(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("clip.mp4");
        ClipWriter.Clip clip = ClipWriter.remux(TestAssets.personVideo(), 10_300, 14_500, out);
        assertEquals("h264", clip.codec());
        String probe = ffprobe(out);
        assertTrue(probe.contains("codec_name=h264"), probe);
        double duration = Double.parseDouble(probe.replaceAll("(?s).*duration=([0-9.]+).*", "$1"));
        // from the key frame at 10 s (one a second) to the first key frame after 14.5 s
        assertTrue(duration >= 4.4 && duration <= 6.2, "duration " + duration + "\n" + probe);
        double start = Double.parseDouble(probe.replaceAll("(?s).*start_time=([0-9.-]+).*", "$1"));
        assertTrue(Math.abs(start) < 0.3, "starts at 0: " + probe);
        assertTrue(Files.size(out) < Files.size(TestAssets.personVideo()) / 10);
        assertTrue(!Files.exists(dir.resolve("clip.mp4.part")));
    }

    private static String ffprobe(Path video) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,start_time,duration,nb_frames", "-of", "default=noprint_wrappers=1",
                video.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "ffprobe (Debian ffmpeg) failed: " + out);
        return out;
    }
}
