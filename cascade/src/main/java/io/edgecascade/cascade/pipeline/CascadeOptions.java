package io.edgecascade.cascade.pipeline;

import java.time.Duration;

/**
 * Sizes, limits and intervals of the cascade as a whole ({@code pipeline:}).
 *
 * @param detectorQueue    gated frames waiting for a detector worker (shared by all cameras)
 * @param outputQueue      detected frames waiting for the output stage
 * @param progressInterval how often each camera's progress line is logged; zero disables it
 * @param errorBudget      failures in a row of one stage's resource (an engine session, a camera, a sink) after which
 *                         it is restarted ({@code pipeline.error_budget})
 * @param shutdownTimeout  the one deadline of a stop: sources stop, queues drain, sinks close in parallel within it
 *                         ({@code pipeline.shutdown_timeout_s})
 * @param sinkQueue        frames waiting for each sink's thread ({@code pipeline.sink_queue})
 * @param stageTimeout     a stage inside one call (an inference, a sink's accept) for longer stops the run
 *                         ({@code pipeline.stage_timeout_s})
 * @param sinkMemoryBytes  bytes of pixels detected frames may hold on their way to the sinks
 *                         ({@code pipeline.sink_memory_mb}); frames no sink reads the pixels of hold none
 * @param detectorMemoryBytes bytes of pixels gated frames may hold while they wait for a detector worker
 *                         ({@code pipeline.detector_queue_mb}), shared out over the cameras; each camera's slot
 *                         always takes one frame, however large
 * @param detectorBatch    frames (one per camera) a detector worker takes at once and runs as one batch on a model
 *                         rewritten to that batch ({@code pipeline.batch}, 1..{@value #MAX_BATCH}); 1 runs frame by frame
 */
public record CascadeOptions(int detectorQueue, int outputQueue, Duration progressInterval, int errorBudget,
        Duration shutdownTimeout, int sinkQueue, Duration stageTimeout, long sinkMemoryBytes,
        long detectorMemoryBytes, int detectorBatch) {

    public static final int DEFAULT_ERROR_BUDGET = 10;
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);
    public static final int DEFAULT_SINK_QUEUE = 4;
    public static final Duration DEFAULT_STAGE_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Two frames of a 3072x1728 mosaic, five at 1080p: room for the sinks that read pixels (best frames to encode) to
     * work while the detector goes on, without queued full frames piling up.
     */
    public static final long DEFAULT_SINK_MEMORY_BYTES = 32L << 20;
    /**
     * Four frames of a 3072x1728 mosaic, ten at 1080p, sixty at 432p: enough waiting frames to keep two detector workers
     * busy, without eight full frames of a 4K-class camera (128 MB) held while the detectors fall behind.
     */
    public static final long DEFAULT_DETECTOR_MEMORY_BYTES = 64L << 20;

    /**
     * Frame by frame: on a CPU a batch runs no faster per frame than one image (docs/BENCHMARKS.md, "Detector
     * throughput by batch size"); batches pay on GPU engines.
     */
    public static final int DEFAULT_BATCH = 1;
    /** The largest {@code pipeline.batch}. */
    public static final int MAX_BATCH = 16;

    public static final CascadeOptions DEFAULTS = new CascadeOptions(8, 8, Duration.ofSeconds(10));

    public CascadeOptions {
        if (detectorQueue < 1 || outputQueue < 1 || sinkQueue < 1) {
            throw new IllegalArgumentException("queue sizes must be at least 1");
        }
        if (sinkMemoryBytes < 1 || detectorMemoryBytes < 1) {
            throw new IllegalArgumentException("the queues' pixel memory must be at least 1 byte");
        }
        if (detectorBatch < 1 || detectorBatch > MAX_BATCH) {
            throw new IllegalArgumentException("detector batch must be 1.." + MAX_BATCH + ", got " + detectorBatch);
        }
        if (errorBudget < 1) {
            throw new IllegalArgumentException("error budget must be at least 1");
        }
        if (shutdownTimeout.isNegative() || shutdownTimeout.isZero() || stageTimeout.isNegative()
                || stageTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** Queue sizes and progress interval; the default budget, timeouts, sink queue and sink and detector memory. */
    public CascadeOptions(int detectorQueue, int outputQueue, Duration progressInterval) {
        this(detectorQueue, outputQueue, progressInterval, DEFAULT_ERROR_BUDGET, DEFAULT_SHUTDOWN_TIMEOUT,
                DEFAULT_SINK_QUEUE, DEFAULT_STAGE_TIMEOUT, DEFAULT_SINK_MEMORY_BYTES,
                DEFAULT_DETECTOR_MEMORY_BYTES, DEFAULT_BATCH);
    }

    /** These options with another error budget. */
    public CascadeOptions withErrorBudget(int budget) {
        return new CascadeOptions(detectorQueue, outputQueue, progressInterval, budget, shutdownTimeout, sinkQueue,
                stageTimeout, sinkMemoryBytes, detectorMemoryBytes, detectorBatch);
    }

    /** These options with another shutdown deadline. */
    public CascadeOptions withShutdownTimeout(Duration timeout) {
        return new CascadeOptions(detectorQueue, outputQueue, progressInterval, errorBudget, timeout, sinkQueue,
                stageTimeout, sinkMemoryBytes, detectorMemoryBytes, detectorBatch);
    }

    /** These options with another stage timeout. */
    public CascadeOptions withStageTimeout(Duration timeout) {
        return new CascadeOptions(detectorQueue, outputQueue, progressInterval, errorBudget, shutdownTimeout,
                sinkQueue, timeout, sinkMemoryBytes, detectorMemoryBytes, detectorBatch);
    }

    /** These options with another sink queue size. */
    public CascadeOptions withSinkQueue(int size) {
        return new CascadeOptions(detectorQueue, outputQueue, progressInterval, errorBudget, shutdownTimeout, size,
                stageTimeout, sinkMemoryBytes, detectorMemoryBytes, detectorBatch);
    }

    /** These options with another bound on the pixels frames hold on their way to the sinks. */
    public CascadeOptions withSinkMemory(long bytes) {
        return new CascadeOptions(detectorQueue, outputQueue, progressInterval, errorBudget, shutdownTimeout, sinkQueue,
                stageTimeout, bytes, detectorMemoryBytes, detectorBatch);
    }

    /** These options with another bound on the pixels gated frames hold while they wait for a detector. */
    public CascadeOptions withDetectorMemory(long bytes) {
        return new CascadeOptions(detectorQueue, outputQueue, progressInterval, errorBudget, shutdownTimeout, sinkQueue,
                stageTimeout, sinkMemoryBytes, bytes, detectorBatch);
    }

    /** These options with another detector batch ({@code pipeline.batch}). */
    public CascadeOptions withDetectorBatch(int frames) {
        return new CascadeOptions(detectorQueue, outputQueue, progressInterval, errorBudget, shutdownTimeout, sinkQueue,
                stageTimeout, sinkMemoryBytes, detectorMemoryBytes, frames);
    }
}
