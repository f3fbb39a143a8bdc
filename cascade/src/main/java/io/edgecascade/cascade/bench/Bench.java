package io.edgecascade.cascade.bench;

import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.Stage;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.detect.DetectionResult;
import io.edgecascade.cascade.detect.ModelTypes;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.events.EventForwarding;
import io.edgecascade.cascade.events.UplinkMeter;
import io.edgecascade.cascade.forward.CloudSettings;
import io.edgecascade.cascade.metrics.LatencyHistogram;
import io.edgecascade.cascade.motion.MotionGate;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.CascadeOptions;
import io.edgecascade.cascade.pipeline.CascadeStats;
import io.edgecascade.cascade.pipeline.SourceFactory;
import io.edgecascade.cascade.source.FrameSource;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.tracking.TrackingSettings;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.EngineRegistry;
import io.edgecascade.engines.InferenceEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in benchmark: runs the real cascade on a video and measures, in the same run and on the same
 * frames, what each stage costs inside the pipeline and what it costs alone.
 *
 * <p>Per variant: (1) warm-up: {@code warmup} frames through gate and detector, not measured; (2) standalone
 * pass: each frame is decoded, gated and (if the gate passes it) detected one after the other on this thread,
 * timing gate and detector alone; (3) pipeline pass: the {@link Cascade} with its threads and queues, as
 * {@code run} uses it, timing every stage. Once for all variants, a decode-only pass gives the decoder's
 * limit. A file is read at full speed, so every pass sees the same frames and the gate (which paces by stream
 * time) passes the same ones.
 */
public final class Bench {

    /** Frames measured from a stream when no count is given (a stream never ends by itself). */
    public static final long DEFAULT_STREAM_FRAMES = 300;
    private static final Logger LOG = LoggerFactory.getLogger(Bench.class);
    private static final String CAMERA = "bench";

    private final BenchOptions options;
    private final EngineRegistry engines;
    private final SourceFactory sources;

    public Bench(BenchOptions options, EngineRegistry engines, SourceFactory sources) {
        this.options = options;
        this.engines = engines;
        this.sources = sources;
    }

    /** Runs every variant and returns the report. */
    public BenchReport run() throws SourceException, EngineException, InterruptedException {
        long limit = frameLimit();
        double decodeFps = decodeOnly(limit);
        List<VariantResult> results = new ArrayList<>();
        for (EngineVariant v : options.variants()) {
            results.add(runVariant(v, limit, decodeFps));
        }
        String source;
        try (FrameSource s = sources.create(options.source())) {
            source = s.describe();
        }
        return new BenchReport(source, options.warmup(), options.motion().enabled(), results,
                ProcessMemory.peakRssMb(), ProcessMemory.peakHeapMb(), ProcessMemory.maxHeapMb());
    }

    private long frameLimit() throws SourceException {
        if (options.frames() > 0) {
            return options.frames();
        }
        try (FrameSource probe = sources.create(options.source())) {
            return probe.isLive() ? DEFAULT_STREAM_FRAMES : Long.MAX_VALUE;
        }
    }

    private FrameSource open(long limit) throws SourceException {
        FrameSource s = new LimitedFrameSource(sources.create(options.source()), limit);
        try {
            s.open();
        } catch (SourceException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Frames per second of a loop that does nothing but decode. */
    private double decodeOnly(long limit) throws SourceException {
        LOG.info("bench: decode-only pass");
        try (FrameSource source = open(limit)) {
            long n = 0;
            long t0 = System.nanoTime();
            while (source.grab() != null) {
                n++;
            }
            long nanos = System.nanoTime() - t0;
            if (n == 0) {
                throw new SourceException(source.describe() + " has no frames to measure; use a longer video");
            }
            return n / (nanos / 1e9);
        }
    }

    private VariantResult runVariant(EngineVariant v, long limit, double decodeFps)
            throws SourceException, EngineException, InterruptedException {
        LOG.info("bench: variant {}", v.spec());
        List<ObjectDetector> detectors = new ArrayList<>();
        boolean handedOver = false;
        try {
            for (int i = 0; i < v.workers(); i++) {
                detectors.add(openDetector(v));
            }
            ObjectDetector detector = detectors.get(0);
            for (ObjectDetector d : detectors) {
                warmUp(d);
            }
            Standalone alone = standalone(detector, limit);
            handedOver = true; // the cascade owns and closes the detectors from here on
            return pipeline(v, detectors, limit, decodeFps, alone);
        } finally {
            if (!handedOver) {
                detectors.forEach(ObjectDetector::close);
            }
        }
    }

    private ObjectDetector openDetector(EngineVariant v) throws EngineException {
        InferenceEngine engine = engines.open(v.engine(), new EngineOptions(v.model(), v.threads()));
        try {
            return ModelTypes.detector(options.modelType(), engine, options.labels());
        } catch (EngineException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /**
     * Runs the warm-up frames through gate and detector on this thread, then through a pipeline, so that the
     * measured passes pay no first-time costs (class loading, JIT, engine allocations, thread start-up).
     */
    private void warmUp(ObjectDetector detector) throws SourceException, EngineException, InterruptedException {
        if (options.warmup() == 0) {
            return;
        }
        try (FrameSource source = open(options.warmup()); MotionGate gate = MotionGate.create(options.motion())) {
            FrameSource.Frame f;
            while ((f = source.grab()) != null) {
                gate.decide(f.image(), f.ptsMillis());
                detect(detector, f);
            }
        }
        runPipeline(List.of(new Borrowed(detector)), options.warmup(), PipelineObserver.of(List.of()));
    }

    /** Lends a detector to a cascade without letting the cascade close it. */
    private record Borrowed(ObjectDetector detector) implements ObjectDetector {
        @Override
        public DetectionResult detect(org.bytedeco.opencv.opencv_core.Mat bgr, float minScore, float nmsIou)
                throws EngineException {
            return detector.detect(bgr, minScore, nmsIou);
        }

        @Override
        public List<String> labels() {
            return detector.labels();
        }

        @Override
        public io.edgecascade.engines.EngineInfo engine() {
            return detector.engine();
        }

        @Override
        public void close() {
            // the owner closes it
        }
    }

    private DetectionResult detect(ObjectDetector detector, FrameSource.Frame f) throws EngineException {
        return detector.detect(f.image(), options.detector().confidence(), options.detector().nmsIou());
    }

    /** Gate and detector alone, one after the other, on the frames the pipeline will see. */
    private record Standalone(LatencyHistogram motion, LatencyHistogram detector, LatencyHistogram inference) {
    }

    private Standalone standalone(ObjectDetector detector, long limit) throws SourceException, EngineException {
        LOG.info("bench: standalone pass");
        Standalone s = new Standalone(new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram());
        boolean gateOn = options.motion().enabled();
        try (FrameSource source = open(limit); MotionGate gate = MotionGate.create(options.motion())) {
            FrameSource.Frame f;
            while ((f = source.grab()) != null) {
                long t0 = System.nanoTime();
                MotionGate.Decision d = gate.decide(f.image(), f.ptsMillis());
                long t1 = System.nanoTime();
                if (gateOn) {
                    s.motion().record(t1 - t0);
                }
                if (d.passes()) {
                    long t2 = System.nanoTime();
                    DetectionResult r = detect(detector, f);
                    s.detector().record(System.nanoTime() - t2);
                    s.inference().record(r.inferenceNanos());
                }
            }
        }
        return s;
    }

    /** Records every stage time of the pipeline run. */
    private static final class StageRecorder implements PipelineObserver {
        final Map<Stage, LatencyHistogram> stages = new EnumMap<>(Stage.class);

        StageRecorder() {
            for (Stage s : Stage.values()) {
                stages.put(s, new LatencyHistogram());
            }
        }

        @Override
        public void stage(String camera, Stage stage, long nanos) {
            stages.get(stage).record(nanos);
        }
    }

    /** What a pipeline run did. */
    private record PipelineRun(double wallSeconds, CascadeStats.CameraCounts counts, VariantResult.Uplink uplink) {
    }

    /** Runs the cascade, as {@code run} does, on the first {@code limit} frames; the cascade closes the detector. */
    private PipelineRun runPipeline(List<ObjectDetector> detectors, long limit, PipelineObserver observer)
            throws SourceException, EngineException, InterruptedException {
        // The standalone pass has no tracker: tracked objects must not save looks here either
        // (tracking.look_again_max_s 0), so both passes time the detector on the same frames.
        CameraSettings camera = new CameraSettings(CAMERA, options.source(), false, options.motion(),
                options.detector(), TrackingSettings.DEFAULTS.withLookAgainMaxMs(0), List.of());
        SourceFactory limited = s -> new LimitedFrameSource(sources.create(s), limit);
        CascadeOptions cascadeOptions = new CascadeOptions(CascadeOptions.DEFAULTS.detectorQueue(),
                CascadeOptions.DEFAULTS.outputQueue(), Duration.ZERO);
        UplinkMeter meter = new UplinkMeter();
        BestFrames bestFrames = new BestFrames(BestFrames.Settings.DEFAULTS,
                CloudSettings.defaults("bench", "bench").jpegQuality());
        try (Cascade cascade = new Cascade(List.of(camera), limited, detectors,
                List.of(new EventForwarding(meter, EventForwarding.Mode.EVENTS, bestFrames)), cascadeOptions,
                List.of(observer))) {
            cascade.start();
            cascade.awaitCompletion();
            if (cascade.failure() != null) {
                throw new EngineException(cascade.failure().getMessage(), cascade.failure());
            }
            if (!cascade.failedCameras().isEmpty()) {
                throw new SourceException(cascade.stats().error(CAMERA));
            }
            return new PipelineRun(cascade.summary().wallSeconds(), cascade.stats().counts(CAMERA),
                    new VariantResult.Uplink(cascade.eventsStarted().get(CAMERA), meter.frames(), meter.bytes()));
        }
    }

    private VariantResult pipeline(EngineVariant v, List<ObjectDetector> detectors, long limit, double decodeFps,
            Standalone alone) throws SourceException, EngineException, InterruptedException {
        LOG.info("bench: pipeline pass ({} detector worker(s))", detectors.size());
        StageRecorder recorder = new StageRecorder();
        var engineInfo = detectors.get(0).engine();
        PipelineRun run = runPipeline(detectors, limit, recorder);
        double wall = run.wallSeconds();
        CascadeStats.CameraCounts counts = run.counts();
        Map<Stage, StageSummary> stages = new LinkedHashMap<>();
        recorder.stages.forEach((stage, samples) -> {
            if (samples.count() > 0) {
                stages.put(stage, StageSummary.of(samples));
            }
        });
        double serial = counts.decoded() / decodeFps
                + (alone.motion().count() == 0 ? 0 : alone.motion().meanMillis() / 1e3 * counts.decoded())
                + (alone.detector().count() == 0 ? 0 : alone.detector().meanMillis() / 1e3 * counts.detected());
        VariantResult r = new VariantResult(v, engineInfo, counts.decoded(), counts.detected(), counts.positive(),
                counts.dropped(), wall, stages, decodeFps, options.motion().enabled() ? StageSummary.of(alone.motion()) : null,
                StageSummary.of(alone.detector()), StageSummary.of(alone.inference()), serial, ProcessMemory.peakRssMb(),
                ProcessMemory.peakHeapMb(), run.uplink());
        LOG.info(String.format(Locale.ROOT, "bench: %s: %.1f frames/s, efficiency %.3f", v.spec(), r.fps(),
                r.efficiency()));
        return r;
    }
}
