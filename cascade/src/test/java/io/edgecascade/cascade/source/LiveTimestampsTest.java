package io.edgecascade.cascade.source;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 8: live streams whose frames carry no usable timestamps still get presentation times that follow the
 * clock, so {@code min_interval_ms}, sampling and track ageing keep working. Real streams served by ffmpeg on
 * loopback: a raw H.264 elementary stream over TCP (no timestamps at all; it declares 10 fps but arrives at 5, as a
 * camera dropping frames in low light), and MJPEG over TCP (the demuxer makes up 25 fps for a 10 fps stream).
 */
class LiveTimestampsTest {

    @TempDir
    static Path dir;
    static Path clip;

    @BeforeAll
    static void cut() throws Exception {
        clip = TestAssets.personClip(dir, 20, 20);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** ffmpeg serving {@code clip} once, to the first client of {@code tcp://127.0.0.1:port}. */
    private static Process serve(int port, String... output) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-loglevel", "error"));
        cmd.addAll(List.of(output));
        cmd.add("tcp://127.0.0.1:" + port + "?listen=1");
        int i = cmd.indexOf("INPUT");
        cmd.set(i, clip.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** A frame's presentation time and when it arrived. */
    private record Arrival(long ptsMillis, long wallNanos) {
    }

    /** Reads the live stream for {@code seconds} after its first frame. */
    private static List<Arrival> read(String url, double seconds) throws Exception {
        SourceUri uri = SourceUri.parse(url);
        StreamOptions options = new StreamOptions("tcp", Map.of(), 10_000, 100, 500, false);
        List<Arrival> out = new ArrayList<>();
        try (SupervisedSource s = new SupervisedSource("cam", uri, options,
                () -> new InterruptibleFfmpegSource(uri, options, null), SourceHealth.NONE)) {
            s.open();
            long end = Long.MAX_VALUE;
            while (System.nanoTime() < end) {
                FrameSource.Frame f = s.grab();
                assertNotNull(f);
                long now = System.nanoTime();
                if (out.isEmpty()) {
                    end = now + (long) (seconds * 1e9);
                }
                out.add(new Arrival(f.ptsMillis(), now));
            }
        }
        return out;
    }

    /** Stream time against wall time over the second half of the reading (after any start-up burst). */
    private static void assertFollowsTheClock(List<Arrival> frames) {
        Arrival last = frames.get(frames.size() - 1);
        long half = frames.get(0).wallNanos() + (last.wallNanos() - frames.get(0).wallNanos()) / 2;
        Arrival mid = frames.stream().filter(a -> a.wallNanos() >= half).findFirst().orElseThrow();
        double wall = (last.wallNanos() - mid.wallNanos()) / 1e9;
        double stream = (last.ptsMillis() - mid.ptsMillis()) / 1000.0;
        String report = String.format(Locale.ROOT, "%.2f s of stream time in %.2f s of wall time (%d frames)",
                stream, wall, frames.size());
        assertTrue(wall > 2, report);
        assertTrue(Math.abs(stream - wall) <= 0.25 * wall, "presentation times do not follow the clock: " + report);
    }

    @Test
    @Timeout(120)
    void aRawH264StreamWithoutTimestampsGetsTheWallClock() throws Exception {
        int port = freePort();
        Process ffmpeg = serve(port, "-readrate", "0.5", "-i", "INPUT", "-an", "-c:v", "libx264", "-preset",
                "ultrafast", "-g", "10", "-f", "h264");
        try {
            assertFollowsTheClock(read("tcp://127.0.0.1:" + port, 8));
        } finally {
            ffmpeg.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(120)
    void anMjpegStreamWhoseTimestampsAreMadeUpGetsTheWallClock() throws Exception {
        int port = freePort();
        Process ffmpeg = serve(port, "-re", "-i", "INPUT", "-an", "-c:v", "mjpeg", "-q:v", "5", "-f", "mjpeg");
        try {
            assertFollowsTheClock(read("tcp://127.0.0.1:" + port, 10));
        } finally {
            ffmpeg.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
