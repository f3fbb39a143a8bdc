package io.edgecascade.app.cli;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * Frames freed among long-lived small blocks give their memory back to the system once large blocks are mapped on
 * their own. Without {@link LargeBlocks#mapOnTheirOwn()} (glibc's dynamic threshold, raised by a larger block freed
 * before) the frames are carved out of the thread's arena and this test keeps about 90 MB more resident after the
 * frees.
 */
class LargeBlocksTest {

    private static final int FRAMES = 6;
    private static final int ROWS = 1728;
    private static final int COLS = 3072; // 16 MB a frame, as the 4x4 mosaic's

    @Test
    void framesFreedAmongSmallBlocksLeaveTheResidentSet() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/status")), "needs Linux's /proc");
        assumeTrue(LargeBlocks.mapOnTheirOwn(), "the C library has no mallopt (not glibc)");

        long[] rss = new long[3];
        List<Mat> kept = new ArrayList<>();
        Throwable[] failed = new Throwable[1];
        // one thread, as a capture thread: its own arena, where the frames and the small blocks would interleave
        Thread t = new Thread(() -> {
            try (Scalar grey = new Scalar(114, 114, 114, 0)) {
                // a larger block freed first (a bigger picture decoded once): glibc's dynamic threshold then rises to
                // its size, and the frames below it would be carved out of the thread's arena
                try (Mat larger = new Mat(ROWS * 3 / 2, COLS, CV_8UC3)) {
                    larger.put(grey);
                }
                rss[0] = residentBytes();
                List<Mat> frames = new ArrayList<>();
                for (int i = 0; i < FRAMES; i++) {
                    Mat frame = new Mat(ROWS, COLS, CV_8UC3);
                    frame.put(grey); // touched, as decoded pixels are
                    frames.add(frame);
                    Mat small = new Mat(64, 64, CV_8UC1); // a long-lived neighbour (a library's buffer)
                    small.put(grey);
                    kept.add(small);
                }
                rss[1] = residentBytes();
                frames.forEach(Mat::close);
                rss[2] = residentBytes();
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, "capture-like");
        t.start();
        t.join();
        try {
            if (failed[0] != null) {
                throw new AssertionError(failed[0]);
            }
            long frameBytes = (long) ROWS * COLS * 3;
            assertTrue(rss[1] - rss[0] >= (FRAMES - 1) * frameBytes,
                    "the frames were resident while held: " + rss[0] + " -> " + rss[1]);
            assertTrue(rss[2] - rss[0] < frameBytes,
                    "after the frees the resident set should be back within one frame of where it started: "
                            + (rss[0] >> 20) + " MB -> " + (rss[1] >> 20) + " MB held -> " + (rss[2] >> 20)
                            + " MB freed");
        } finally {
            kept.forEach(Mat::close);
        }
    }

    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
