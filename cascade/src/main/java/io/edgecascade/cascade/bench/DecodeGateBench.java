package io.edgecascade.cascade.bench;

import io.edgecascade.cascade.metrics.LatencyHistogram;
import io.edgecascade.cascade.motion.MotionGate;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.source.FfmpegFrameSource;
import io.edgecascade.cascade.source.FrameSource;
import io.edgecascade.cascade.source.InterruptibleFfmpegSource;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.source.SourceUri;
import io.edgecascade.cascade.source.StreamOptions;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What one camera's capture thread costs per frame, decode plus motion gate, two ways on the same video: every
 * frame decoded to BGR and gated on it (JavaCV's grabber, the files' path before issue 21), and the cameras' path
 * (files and live): gated on the decoder's luma plane, BGR made only for the frames the gate passes. Reports the median wall time of a frame and
 * the process CPU time per frame (which also counts the decoder's own threads).
 */
public final class DecodeGateBench {

    /** One way's figures. */
    public record Result(String path, long frames, long passed, double medianMillis, double cpuMillisPerFrame) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-28s %6d frames  %5d passed  median %.3f ms/frame  cpu %.3f ms/frame",
                    path, frames, passed, medianMillis, cpuMillisPerFrame);
        }
    }

    private DecodeGateBench() {
    }

    /** Measures both ways on the first {@code maxFrames} frames of {@code video} (0 = all). */
    public static Result[] run(String video, MotionSettings motion, long maxFrames) throws SourceException {
        SourceUri uri = SourceUri.parse(video);
        // a first pass warms the code paths and the page cache
        measure("warm-up", new FfmpegFrameSource(uri), motion, Math.min(100, maxFrames == 0 ? 100 : maxFrames),
                false);
        Result bgr = measure("bgr every frame (before)", new FfmpegFrameSource(uri), motion, maxFrames, false);
        Result luma = measure("luma gate, bgr on pass (after)",
                new InterruptibleFfmpegSource(uri, StreamOptions.DEFAULTS, null), motion, maxFrames, true);
        return new Result[] {bgr, luma};
    }

    private static Result measure(String name, FrameSource source, MotionSettings motion, long maxFrames,
            boolean useLuma) throws SourceException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        LatencyHistogram samples = new LatencyHistogram();
        long frames = 0;
        long passed = 0;
        try (source; MotionGate gate = MotionGate.create(motion)) {
            source.open();
            long cpu0 = os.getProcessCpuTime();
            while (maxFrames == 0 || frames < maxFrames) {
                long t0 = System.nanoTime();
                FrameSource.Frame f = source.grab();
                if (f == null) {
                    break;
                }
                MotionGate.Decision d = useLuma && f.luma() != null
                        ? gate.decide(f.luma(), f.limitedRange(), f.ptsMillis())
                        : gate.decide(f.image(), f.ptsMillis());
                if (d.passes()) {
                    passed++;
                    f.image(); // what the cascade then copies for the detector
                }
                samples.record(System.nanoTime() - t0);
                frames++;
            }
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e6;
            return new Result(name, frames, passed, samples.percentileMillis(0.5), frames == 0 ? 0 : cpu / frames);
        }
    }
}
