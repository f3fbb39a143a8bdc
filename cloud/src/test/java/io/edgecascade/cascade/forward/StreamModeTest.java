package io.edgecascade.cascade.forward;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.spool.SpoolDirectory;
import io.edgecascade.cloud.CloudServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** cloud.mode: stream against the real reference server (echo answers after a delay, so no model runs). */
class StreamModeTest {

    @TempDir
    Path dir;

    private CloudServer server(int port, Duration delay) throws IOException {
        return CloudServer.start(new CloudServer.Settings("127.0.0.1", port, Map.of("yolox", TestAssets.model()),
                dir.resolve("record.txt"), 1), new CloudServer.Answering(delay, true));
    }

    private static CloudSettings stream(int port, int window) {
        return new CloudSettings("127.0.0.1:" + port, "yolox", "", CloudSettings.InputMode.BINARY, 90, window,
                Duration.ofSeconds(5), 2, Duration.ofMillis(50), Duration.ofMillis(300), Duration.ofSeconds(60),
                null, null, null, null).withMode(CloudSettings.Mode.STREAM);
    }

    private static PositiveFrame positive(String camera, long sequence) {
        Mat image = new Mat(48, 64, CV_8UC3, new Scalar(sequence % 255, 40, 90, 0));
        return new PositiveFrame(new VideoFrame(camera, sequence, sequence * 100, Instant.now(), image), null,
                List.of());
    }

    private List<String> record() throws IOException {
        return Files.readAllLines(dir.resolve("record.txt"));
    }

    /** Each camera's frames first arrived in capture order. */
    private void assertInOrder(List<String> record, int cameras) {
        for (int c = 0; c < cameras; c++) {
            String cam = "cam" + c + ":";
            List<Long> seq = new LinkedHashSet<>(record).stream().filter(id -> id.startsWith(cam))
                    .map(id -> Long.parseLong(id.split(":")[1])).toList();
            for (int i = 1; i < seq.size(); i++) {
                assertTrue(seq.get(i) > seq.get(i - 1), cam + " frame " + seq.get(i) + " after " + seq.get(i - 1));
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    @Timeout(60)
    void aBacklogGoesOutOnOneStreamSeveralFramesPerCameraAtOnceInOrder() throws Exception {
        int port = freePort();
        AtomicInteger arrivedBeforeFirstAnswer = new AtomicInteger(-1);
        Forwarder f = Forwarder.start(stream(port, 8), SpoolDirectory.Settings.of(dir.resolve("spool"), 1L << 30,
                SpoolDirectory.Fsync.NEVER), new ForwardListener() {
                    @Override
                    public void onAcked(String camera) {
                        if (arrivedBeforeFirstAnswer.get() < 0) {
                            try {
                                arrivedBeforeFirstAnswer.compareAndSet(-1, record().size());
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    }
                }, PipelineObserver.of(List.of()), null);
        for (int i = 0; i < 40; i++) { // the outage: 4 cameras x 40 frames wait in the spool
            for (int c = 0; c < 4; c++) {
                f.accept(positive("cam" + c, i));
            }
        }
        try (CloudServer server = server(port, Duration.ofMillis(200))) {
            f.close();
        }
        assertEquals(0, f.remaining(), "every positive acknowledged");
        List<String> record = record();
        assertEquals(160, new LinkedHashSet<>(record).size());
        assertInOrder(record, 4);
        // unary mode has one frame per camera on the wire (4 here) before the first answer; the stream up to 8 each
        assertTrue(arrivedBeforeFirstAnswer.get() > 4, "frames on the wire before the first answer: "
                + arrivedBeforeFirstAnswer.get());
    }

    @Test
    @Timeout(90)
    void aServerThatDiesMidStreamLosesNothingAndKeepsEachCameraInOrder() throws Exception {
        int port = freePort();
        AtomicInteger acked = new AtomicInteger();
        Forwarder f = Forwarder.start(stream(port, 6), SpoolDirectory.Settings.of(dir.resolve("spool"), 1L << 30,
                SpoolDirectory.Fsync.NEVER), new ForwardListener() {
                    @Override
                    public void onAcked(String camera) {
                        acked.incrementAndGet();
                    }
                }, PipelineObserver.of(List.of()), null);
        for (int i = 0; i < 30; i++) {
            for (int c = 0; c < 3; c++) {
                f.accept(positive("cam" + c, i));
            }
        }
        CloudServer first = server(port, Duration.ofMillis(300));
        long until = System.nanoTime() + 30_000_000_000L;
        while (acked.get() < 10 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        first.close(); // mid-stream: requests on the wire are lost with it
        Thread.sleep(500);
        try (CloudServer second = server(port, Duration.ofMillis(50))) {
            f.close();
        }
        assertEquals(0, f.remaining(), "every positive acknowledged after the restart");
        List<String> record = record();
        assertEquals(90, new LinkedHashSet<>(record).size(), "every positive arrived");
        assertInOrder(record, 3);
    }
}
