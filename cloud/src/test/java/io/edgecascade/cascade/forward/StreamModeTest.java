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

    /**
     * Defect (issue 17): the stream's table of requests was keyed by request id; the same frame handed over twice
     * (two tracks starting on one frame) put two requests with one id on the stream, the second replaced the first,
     * the second answer then "was not in flight", the stream was torn down, and the first request was never settled:
     * close() waited for its callback forever. Failed before: the test timed out in close().
     */
    @Test
    @Timeout(60)
    void theSameFrameTwiceOnTheStreamIsAnsweredTwiceAndCloseReturns() throws Exception {
        try (CloudServer server = server(0, Duration.ofMillis(300))) {
            AtomicInteger acked = new AtomicInteger();
            Forwarder f = Forwarder.start(stream(server.port(), 8), SpoolDirectory.Settings.of(dir.resolve("spool"),
                    1L << 30, SpoolDirectory.Fsync.NEVER), new ForwardListener() {
                        @Override
                        public void onAcked(String camera) {
                            acked.incrementAndGet();
                        }
                    }, PipelineObserver.of(List.of()), null);
            PositiveFrame twice = positive("cam0", 1);
            f.accept(twice);
            f.accept(twice); // the same frame: the same request id, two records
            f.accept(positive("cam0", 2));
            f.close();
            assertEquals(0, f.remaining(), "every record acknowledged");
            assertEquals(3, acked.get());
        }
        List<String> record = record();
        assertEquals(3, record.size(), "each record sent once: " + record);
        assertEquals(2, record.stream().filter(id -> id.startsWith("cam0:1:")).count());
    }

    /**
     * An answer for a request id that is not in flight (never sent, or answered already) is logged and ignored: the
     * stream stays up and every frame is acknowledged. Failed before: each such answer ended the stream ("the server
     * answered garbage") and counted as a failure, so the stream was opened again and again.
     */
    @Test
    @Timeout(60)
    void answersForRequestsNotInFlightAreIgnoredAndTheStreamStaysUp() throws Exception {
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        try (RepeatingServer server = new RepeatingServer()) {
            CloudSettings cloud = new CloudSettings("127.0.0.1:" + server.port(), "yolox", "",
                    CloudSettings.InputMode.BINARY, 90, 4, Duration.ofSeconds(5), 2, Duration.ofMillis(50),
                    Duration.ofMillis(300), Duration.ofSeconds(30), null, null, null, null)
                    .withMode(CloudSettings.Mode.STREAM);
            Forwarder f = Forwarder.start(cloud, SpoolDirectory.Settings.of(dir.resolve("spool"), 1L << 30,
                    SpoolDirectory.Fsync.NEVER), new ForwardListener() {
                        @Override
                        public void onAcked(String camera) {
                            acked.incrementAndGet();
                        }

                        @Override
                        public void onError(String camera) {
                            errors.incrementAndGet();
                        }
                    }, PipelineObserver.of(List.of()), null);
            for (int i = 0; i < 20; i++) {
                f.accept(positive("cam" + i % 2, i));
            }
            f.close();
            assertEquals(0, f.remaining());
            assertEquals(20, acked.get(), "every frame acknowledged once");
            assertEquals(0, errors.get(), "a stray answer is not a failure");
            assertEquals(1, server.streams(), "one stream carried everything");
            assertEquals(20, server.received().size(), "nothing sent twice");
        }
    }
}
