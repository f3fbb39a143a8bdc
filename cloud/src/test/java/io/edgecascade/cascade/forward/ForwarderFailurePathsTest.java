package io.edgecascade.cascade.forward;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
