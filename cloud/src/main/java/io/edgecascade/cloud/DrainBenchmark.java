package io.edgecascade.cloud;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.forward.CloudSettings;
import io.edgecascade.cascade.forward.ForwardListener;
import io.edgecascade.cascade.forward.Forwarder;
import io.edgecascade.cascade.spool.SpoolDirectory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * How fast the forwarder drains the backlog of an outage, {@code cloud.mode: unary} against {@code stream}, in one
 * run (scripts/drain-bench.sh). The backlog is what {@code cameras} cameras with a positive on every frame at
 * {@code fps} leave in the spool during an outage of {@code outage} seconds (built by accepting the frames while
 * nothing listens, not in real time). Then the reference server starts as an echo that answers each request
 * {@code rtt} ms after it arrived: a WAN round trip without a network emulator, and no detector run, so the
 * figure measures the forwarder and the protocol, not the server's CPU. Drain rate = frames / (last answer - server
 * start).
 *
 * <p>Arguments: MODEL.onnx (served, not run) IMAGE.jpg [cameras=4] [outage_s=60] [fps=10] [rtt_ms=100]
 * [unary_inflight=4] [stream_inflight=8].
 */
public final class DrainBenchmark {

    private DrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Mat image = imread(args[1]);
        if (image.empty()) {
            throw new IllegalArgumentException("cannot read image " + args[1]);
        }
        int cameras = arg(args, 2, 4);
        int outage = arg(args, 3, 60);
        int fps = arg(args, 4, 10);
        int rtt = arg(args, 5, 100);
        int unaryInflight = arg(args, 6, 4);
        int streamInflight = arg(args, 7, 8);
        int frames = cameras * outage * fps;
        System.out.printf(Locale.ROOT, "backlog: %d cameras x %d s x %d fps = %d frames of %dx%d; round trip %d ms"
                + " (server-side answer delay, echo)%n", cameras, outage, fps, frames, image.cols(), image.rows(), rtt);
        double unary = drain(CloudSettings.Mode.UNARY, unaryInflight, model, image, cameras, outage * fps, rtt);
        double stream = drain(CloudSettings.Mode.STREAM, streamInflight, model, image, cameras, outage * fps, rtt);
        System.out.printf(Locale.ROOT, "ratio stream/unary: %.2fx%n", stream / unary);
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    private static double drain(CloudSettings.Mode mode, int inflight, Path model, Mat image, int cameras,
            int perCamera, int rtt) throws Exception {
        Path dir = Files.createTempDirectory("drain-bench-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CloudSettings cloud = new CloudSettings("127.0.0.1:" + port, "yolox", "", CloudSettings.InputMode.BINARY, 90,
                inflight, Duration.ofSeconds(30), 3, Duration.ofMillis(50), Duration.ofMillis(200),
                Duration.ofMinutes(10), null, null, null, null).withMode(mode);
        AtomicLong acked = new AtomicLong();
        AtomicLong lastAck = new AtomicLong();
        Forwarder f = Forwarder.start(cloud, SpoolDirectory.Settings.of(dir.resolve("spool"), 8L << 30,
                SpoolDirectory.Fsync.INTERVAL), new ForwardListener() {
                    @Override
                    public void onAcked(String camera) {
                        acked.incrementAndGet();
                        lastAck.set(System.nanoTime());
                    }
                }, PipelineObserver.of(List.of()), null);
        for (int i = 0; i < perCamera; i++) {
            for (int c = 0; c < cameras; c++) {
                f.accept(new PositiveFrame(new VideoFrame("cam" + c, i, i * 100L, Instant.now(), image), null,
                        List.of()));
            }
        }
        long start;
        try (CloudServer server = CloudServer.start(new CloudServer.Settings("127.0.0.1", port,
                Map.of("yolox", model), null, 1), new CloudServer.Answering(Duration.ofMillis(rtt), true))) {
            start = System.nanoTime();
            f.close();
        }
        long total = (long) cameras * perCamera;
        double seconds = (lastAck.get() - start) / 1e9;
        double rate = acked.get() / seconds;
        System.out.printf(Locale.ROOT, "%-6s inflight %d%s: %d/%d frames in %.2f s = %.1f frames/s (median round trip"
                + " %s ms)%n", mode.label(), inflight, mode == CloudSettings.Mode.STREAM ? " per camera" : " total",
                acked.get(), total, seconds, rate, f.timingMillis().get("round_trip_p50"));
        deleteTree(dir);
        return rate;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
