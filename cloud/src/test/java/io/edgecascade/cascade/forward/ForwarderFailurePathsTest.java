package io.edgecascade.cascade.forward;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.spool.SpoolDirectory;
import io.edgecascade.cloud.CloudServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The forwarder against the real reference server, with the failure paths forced at a test seam. */
class ForwarderFailurePathsTest {

    @TempDir
    Path dir;

    private CloudServer server() throws Exception {
        return CloudServer.start(new CloudServer.Settings("127.0.0.1", 0, Map.of("yolox", TestAssets.model()),
                dir.resolve("record.txt"), 1));
    }

    private static CloudSettings settings(int port) {
        CloudSettings d = CloudSettings.defaults("127.0.0.1:" + port, "yolox");
        return new CloudSettings(d.url(), d.model(), "", CloudSettings.InputMode.BINARY, 90, 1,
                Duration.ofSeconds(20), 3, Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(30),
                null, null, null, null);
    }

    private static PositiveFrame positive(String camera, long sequence, Mat image) {
        return new PositiveFrame(new VideoFrame(camera, sequence, sequence * 100, Instant.now(), image.clone()),
                null, List.of());
    }

    /**
     * Defect: the sender checked that the model was known, then read it again to build the request; a failure
     * callback forgetting the model in between made the request builder throw, and the record was acknowledged
     * and deleted as "unreadable". The model is now taken once; a positive is dropped only for its own fault.
     */
    @Test
    @Timeout(90)
    void aModelForgottenBetweenCheckAndSendDropsNothing() throws Exception {
        Mat image = imread(TestAssets.cocoImage("000000000139.jpg").toString());
        try (CloudServer server = server()) {
            Forwarder f = Forwarder.start(settings(server.port()), SpoolDirectory.Settings.of(dir.resolve("spool"),
                    1L << 30, SpoolDirectory.Fsync.NEVER), new ForwardListener() { }, PipelineObserver.of(List.of()), null);
            AtomicInteger sends = new AtomicInteger();
            f.beforeSendForTest(() -> {
                if (sends.getAndIncrement() == 0) {
                    f.forgetModel(); // what a failure callback on a gRPC thread does when the circuit opens
                }
            });
            for (int i = 0; i < 3; i++) {
                f.accept(positive("cam", i, image));
            }
            f.close();
            assertEquals(0, f.remaining(), "every positive was acknowledged");
        }
        List<String> record = Files.readAllLines(dir.resolve("record.txt"));
        assertEquals(3, record.size(), "every positive reached the server: " + record);
    }

    /**
     * A server that goes away after the model check: the requests then fail before they leave the edge (the
     * connection is refused), which is the cloud's condition, never an attempt of the frames. A server that got the
     * request and did not answer in time (DEADLINE_EXCEEDED after it was sent) is an attempt.
     */
    @Test
    @Timeout(120)
    void anOutageNeverCountsAgainstAFrameButATimeoutAtTheServerDoes() throws Exception {
        Mat image = imread(TestAssets.cocoImage("000000000139.jpg").toString());
        SpoolDirectory.Settings spool = SpoolDirectory.Settings.of(dir.resolve("spool"), 1L << 30,
                SpoolDirectory.Fsync.NEVER).withDeadLetters(dir.resolve("dead"), 1 << 20);
        CloudServer server = server();
        Forwarder f = Forwarder.start(settings(server.port()).withDrain(Duration.ofSeconds(2)), spool,
                new ForwardListener() { }, PipelineObserver.of(List.of()), null);
        AtomicInteger sends = new AtomicInteger();
        f.beforeSendForTest(() -> {
            if (sends.getAndIncrement() == 0) {
                server.close(); // gone between the model check and the first send
            }
        });
        for (int i = 0; i < 3; i++) {
            f.accept(positive("cam", i, image));
        }
        f.close();
        assertEquals(3, f.remaining());
        try (SpoolDirectory s = SpoolDirectory.open(spool, tag -> { })) {
            for (SpoolDirectory.Entry e; (e = s.poll()) != null;) {
                assertEquals(0, s.attempts(e), "refused before it left the edge: not the frame's fault");
            }
        }

        // a server that takes longer than cloud.deadline_ms: each request reached it, each timeout is an attempt
        try (CloudServer slow = CloudServer.start(new CloudServer.Settings("127.0.0.1", 0,
                Map.of("yolox", TestAssets.model()), dir.resolve("record.txt"), 1),
                new CloudServer.Answering(Duration.ofSeconds(5), true))) {
            CloudSettings d = settings(slow.port());
            CloudSettings tight = new CloudSettings(d.url(), d.model(), "", d.input(), 90, 1, Duration.ofMillis(700),
                    3, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(60), null, null, null, null)
                    .withMaxAttempts(2);
            Forwarder g = Forwarder.start(tight, spool, new ForwardListener() { }, PipelineObserver.of(List.of()),
                    null);
            g.close();
            assertEquals(0, g.remaining(), "each frame timed out twice at the server and was given up");
        }
        try (var letters = Files.list(dir.resolve("dead"))) {
            List<Path> files = letters.toList();
            assertEquals(3, files.size());
            for (Path p : files) {
                String text = Files.readString(p);
                assertTrue(text.contains("\"reason\":\"max_attempts\"") && text.contains("DEADLINE_EXCEEDED")
                        && text.contains("\"attempts\":2"), text);
            }
        }
    }
}
