package io.edgecascade.cascade.api;

/**
 * Receives every positive frame, in detection order per camera. A sink must not keep the frame's pixels after
 * {@link #accept} returns (copy or encode them). Closed once, after the last frame.
 *
 * <p>Failures: an exception from {@link #accept} is a failure of that one frame (counted, the frame goes on to the
 * other sinks); several in a row ({@code pipeline.error_budget}) make the pipeline call {@link #reopen()}; an
 * {@link Error} stops the run.
 */
public interface FrameSink extends AutoCloseable {

    void accept(PositiveFrame positive) throws Exception;

    /**
     * Closes and opens again whatever the sink writes to (a file, a connection) after it failed on several frames in
     * a row. The default does nothing: a sink without such a resource just goes on.
     *
     * @throws Exception when the resource cannot be opened again (the run then stops with this error)
     */
    default void reopen() throws Exception {
    }

    /**
     * Finishes what the sink holds by {@code deadline} and closes. What cannot be finished by then must be made
     * durable (a spool) or reported, never silently dropped. Sinks are closed in parallel under one deadline.
     */
    default void close(Deadline deadline) throws Exception {
        close();
    }

    @Override
    default void close() throws Exception {
    }
}
