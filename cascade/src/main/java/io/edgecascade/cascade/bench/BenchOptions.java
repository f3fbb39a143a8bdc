package io.edgecascade.cascade.bench;

import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.pipeline.DetectorSettings;
import java.util.List;
import java.util.Objects;

/**
 * What a benchmark runs.
 *
 * @param source    video file or stream URL (as a camera's {@code source:})
 * @param variants  engine configurations, measured one after the other on the same frames; the first is the
 *                  baseline the top of the report shows
 * @param modelType decoder family ({@code yolox})
 * @param labels    the model's class names
 * @param frames    frames to measure; 0 = the whole file (or {@link Bench#DEFAULT_STREAM_FRAMES} of a stream)
 * @param warmup    frames decoded and detected before measuring each variant (JIT, engine allocations)
 * @param motion    the gate's settings (disabled: every frame goes to the detector)
 * @param detector  confidence, NMS and the classes that make a frame positive
 */
public record BenchOptions(String source, List<EngineVariant> variants, String modelType, List<String> labels,
        long frames, int warmup, MotionSettings motion, DetectorSettings detector) {

    public BenchOptions {
        Objects.requireNonNull(source, "source");
        variants = List.copyOf(variants);
        labels = List.copyOf(labels);
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("no engine variant");
        }
        if (frames < 0) {
            throw new IllegalArgumentException("frames must be >= 0");
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be >= 0");
        }
    }
}
