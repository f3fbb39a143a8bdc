package io.edgecascade.cascade.api;

import java.util.Map;

/**
 * What happens after detection, on one camera: counting objects across a line, watching a zone, raising an alarm,
 * reading a plate. The pipeline calls a use case with each detected frame of its camera, in capture order, after
 * tracking: first {@link #onEvent} for each track event of the frame, then {@link #onFrame}. What it hands to the
 * {@link UseCaseOutput} (event lines of its own {@code type}, drawings) travels with the frame to every sink: the
 * events file, the web page, MQTT and webhooks.
 *
 * <p>Made by a {@link UseCaseFactory} found with {@link java.util.ServiceLoader} (built in, or from a jar in
 * {@code plugins.dir}), selected by its {@code type} in a camera's {@code use_cases:} list, one instance per camera
 * and entry. Calls come from one thread at a time, never two at once; {@link #counts()} may be called from any
 * thread.
 *
 * <p>Failures follow the pipeline's failure model: an exception from a call is a failure of that frame (counted in
 * {@code errors_total{stage="use_case_<name>"}}, logged rate-limited, the frame goes on without this use case's
 * output); {@code pipeline.error_budget} in a row close the use case and make a new one; a use case that cannot be
 * made, or that keeps failing, is left out with one error line. The camera and the other use cases always go on.
 * A call must return quickly: it runs on the detector workers' path of the camera, and a call that does not return
 * within {@code pipeline.stage_timeout_s} stops the agent.
 */
public interface UseCase extends AutoCloseable {

    /**
     * A detected frame of the camera (positive or not: time goes on for the objects tracked), with its detections,
     * their tracks and every object the camera follows ({@link FrameTracks#objects()}). The pixels
     * ({@link PositiveFrame#frame()}) are valid during the call only, and empty on the pixel-less frame that ends a
     * camera's events.
     */
    default void onFrame(PositiveFrame frame, UseCaseOutput out) throws Exception {
    }

    /** A track event (start, update, end) of the camera, before the {@link #onFrame} of its frame. */
    default void onEvent(TrackEvent event, UseCaseOutput out) throws Exception {
    }

    /**
     * What the use case counted so far, by key (e.g. {@code forward}, {@code backward}), for the metrics
     * ({@code edge_cascade_use_case_count{camera,use_case,key}}) and the run's summary
     * ({@code cameras.<id>.use_cases.<name>.<key>}). Called from other threads: read from thread-safe state.
     */
    default Map<String, Long> counts() {
        return Map.of();
    }

    /** Frees what the use case holds; called once, at the end of the run or before it is made again. */
    @Override
    default void close() throws Exception {
    }
}
