package io.edgecascade.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.app.testing.MainRunner;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.source.FfmpegFrameSource;
import io.edgecascade.cascade.source.FrameSource;
import io.edgecascade.cascade.source.SourceUri;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --annotate OUT.mp4}: the file camera's video with its detections drawn, frame for frame. */
class AnnotateTest {

    @TempDir
    Path dir;

    @Test
    void writesEveryFrameWithTheDetectionsDrawn() throws Exception {
        Path clip = TestAssets.personClip(dir, 4, 8); // the scene is empty, then the first person walks in
        Path out = dir.resolve("annotated.mp4");
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                model: { path: %s, labels: %s }
                threads: 1
                events: { path: %s }
                metrics: { listen: 0 }
                cameras: [ { id: lobby, source: %s } ]
                """.formatted(TestAssets.model(), TestAssets.labels(), dir.resolve("e.jsonl"), clip));
        MainRunner.Result r = MainRunner.run("run", "--config", config.toString(), "--annotate", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("annotated video of camera lobby: " + out), r.err());

        long[] source = scan(clip);
        long[] annotated = scan(out);
        assertEquals(source[0], annotated[0], "every frame is written");
        assertEquals(0, source[1], "the clip itself has no box-green");
        assertTrue(annotated[1] > annotated[0] / 3, annotated[1] + " of " + annotated[0] + " frames show a box");
        assertTrue(annotated[2] == 0, "the first frame (nobody there yet) has no box");
    }

    @Test
    void aLiveFirstCameraIsABadCommandLine() throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                model: { path: %s, labels: %s }
                metrics: { listen: 0 }
                cameras: [ { id: gate, source: "rtsp://127.0.0.1:1/none" } ]
                """.formatted(TestAssets.model(), TestAssets.labels()));
        MainRunner.Result r = MainRunner.run("run", "--config", config.toString(), "--annotate",
                dir.resolve("x.mp4").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--annotate writes the annotated video of a file camera; camera gate"), r.err());
    }

    /** {frames, frames with at least 50 pixels of the boxes' green, such pixels in the first frame}. */
    private static long[] scan(Path video) throws Exception {
        long frames = 0;
        long green = 0;
        long first = -1;
        try (FrameSource s = new FfmpegFrameSource(SourceUri.parse(video.toString()))) {
            s.open();
            FrameSource.Frame f;
            while ((f = s.grab()) != null) {
                long n = greenPixels(f.image());
                if (first < 0) {
                    first = n;
                }
                if (n >= 50) {
                    green++;
                }
                frames++;
            }
        }
        return new long[] {frames, green, first};
    }

    private static long greenPixels(Mat bgr) {
        long n = 0;
        try (UByteIndexer px = bgr.createIndexer()) {
            for (int y = 0; y < bgr.rows(); y += 2) {
                for (int x = 0; x < bgr.cols(); x += 2) {
                    if (px.get(y, x, 1) > 170 && px.get(y, x, 0) < 110 && px.get(y, x, 2) < 110) {
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
