package io.edgecascade.cascade.api;

/**
 * Receives what the pipeline measures. Called from the pipeline's threads, so implementations are
 * thread-safe and fast (a counter increment, not I/O). The built-in {@link CascadeStats} is one; the metrics
 * endpoint is another.
 */
public interface PipelineObserver {

    /** One frame of {@code camera} spent {@code nanos} in {@code stage}. */
    default void stage(String camera, Stage stage, long nanos) {
    }

    /** One frame of {@code camera} had {@code outcome}. */
    default void frame(String camera, Outcome outcome) {
    }

    /**
     * The detect entry {@code model} of {@code camera} ran once: on one frame (a detector, all its regions together),
     * or on one box of the entry it follows (an {@code after:} entry).
     */
    default void modelRun(String camera, String model) {
    }

    /**
     * A detector worker ran one batch ({@code pipeline.batch} above 1): {@code images} frames or regions, of cameras
     * whose frames it took together, on a model of batch {@code batch} (a partial batch is padded).
     */
    default void detectorBatch(int images, int batch) {
    }

    /**
     * A look of the detector at a frame of {@code camera} was skipped, or narrowed to new motion, because the camera's
     * tracked objects explained the rest ({@code tracking.look_again_max_s}).
     */
    default void lookSkipped(String camera, LookSkip why) {
    }

    /** {@code camera} started ({@code up}) or stopped delivering frames. */
    default void cameraState(String camera, boolean up) {
    }

    /** A live camera's connection changed state; {@code lastError} is its latest failure (redacted) or null. */
    default void cameraHealth(String camera, io.edgecascade.cascade.api.CameraState state, String lastError) {
    }

    /** A live camera connected again after a failure. */
    default void reconnected(String camera) {
    }

    /** A live camera's stall watchdog closed its input. */
    default void stalled(String camera) {
    }

    /**
     * A stage failed on one frame of {@code camera} (a decoder error, an engine error on one input, a sink that threw
     * on the frame): the frame was dropped at that stage and the stage went on. {@code stage} is a fixed name:
     * {@code decode}, {@code capture}, {@code detector}, {@code tracking}, {@code sink_<name>}.
     */
    default void error(String camera, String stage) {
    }

    /**
     * A stage restarted its resource after {@code pipeline.error_budget} failures in a row: a detector worker reopened
     * its engine session, a camera reconnected, a sink was reopened.
     */
    default void restarted(String stage) {
    }

    /**
     * A frame of {@code camera} was not handed to sink {@code sink} because the sink's queue was full (a live camera's
     * frame that carried no event line); the other sinks got it.
     */
    default void sinkDropped(String camera, String sink) {
    }

    /**
     * A delivering sink ({@link DeliveringSink}) did something with one of its messages: {@code outcome} is one of
     * {@code queued} (written to its outbox), {@code sent} (the peer took it), {@code retried} (sent again after a failed
     * attempt), {@code failed} (an attempt failed; it waits and goes again), {@code dead_lettered} (given up: in the
     * sink's dead-letter folder), {@code evicted} (the outbox was full: its oldest messages were dropped).
     */
    default void sinkMessage(String sink, String outcome) {
    }

    /** Bytes waiting in a delivering sink's outbox now. */
    default void sinkOutboxBytes(String sink, long bytes) {
    }

    /** Fans out to several observers (plain loops for the per-frame calls: no allocation on the hot path). */
    static PipelineObserver of(java.util.List<PipelineObserver> observers) {
        java.util.List<PipelineObserver> all = java.util.List.copyOf(observers);
        return new PipelineObserver() {
            @Override
            public void stage(String camera, Stage stage, long nanos) {
                for (PipelineObserver o : all) {
                    o.stage(camera, stage, nanos);
                }
            }

            @Override
            public void frame(String camera, Outcome outcome) {
                for (PipelineObserver o : all) {
                    o.frame(camera, outcome);
                }
            }

            @Override
            public void modelRun(String camera, String model) {
                for (PipelineObserver o : all) {
                    o.modelRun(camera, model);
                }
            }

            @Override
            public void detectorBatch(int images, int batch) {
                all.forEach(o -> o.detectorBatch(images, batch));
            }

            @Override
            public void lookSkipped(String camera, LookSkip why) {
                for (PipelineObserver o : all) {
                    o.lookSkipped(camera, why);
                }
            }

            @Override
            public void cameraState(String camera, boolean up) {
                all.forEach(o -> o.cameraState(camera, up));
            }

            @Override
            public void cameraHealth(String camera, io.edgecascade.cascade.api.CameraState state,
                    String lastError) {
                all.forEach(o -> o.cameraHealth(camera, state, lastError));
            }

            @Override
            public void reconnected(String camera) {
                all.forEach(o -> o.reconnected(camera));
            }

            @Override
            public void stalled(String camera) {
                all.forEach(o -> o.stalled(camera));
            }

            @Override
            public void error(String camera, String stage) {
                all.forEach(o -> o.error(camera, stage));
            }

            @Override
            public void restarted(String stage) {
                all.forEach(o -> o.restarted(stage));
            }

            @Override
            public void sinkDropped(String camera, String sink) {
                all.forEach(o -> o.sinkDropped(camera, sink));
            }

            @Override
            public void sinkMessage(String sink, String outcome) {
                all.forEach(o -> o.sinkMessage(sink, outcome));
            }

            @Override
            public void sinkOutboxBytes(String sink, long bytes) {
                all.forEach(o -> o.sinkOutboxBytes(sink, bytes));
            }
        };
    }
}
