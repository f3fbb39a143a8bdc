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

    /** Fans out to several observers. */
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
            public void cameraState(String camera, boolean up) {
                for (PipelineObserver o : all) {
                    o.cameraState(camera, up);
                }
            }

            @Override
            public void cameraHealth(String camera, io.edgecascade.cascade.api.CameraState state,
                    String lastError) {
                for (PipelineObserver o : all) {
                    o.cameraHealth(camera, state, lastError);
                }
            }

            @Override
            public void reconnected(String camera) {
                for (PipelineObserver o : all) {
                    o.reconnected(camera);
                }
            }

            @Override
            public void stalled(String camera) {
                for (PipelineObserver o : all) {
                    o.stalled(camera);
                }
            }
        };
    }
}
