package io.edgecascade.cascade.api;

/**
 * Receives every positive frame of a camera in capture order (by sequence), and the frames that carry its event lines.
 * A sink must not keep the frame's pixels after {@link #accept} returns (copy or encode them). Closed once, after the
 * last frame.
 *
 * <p>Each sink has its own thread and its own small queue, so a slow sink does not hold up the others; the pixels of a
 * frame are shared by the sinks and freed when the last one is done. {@link #accept} is only ever called from that one
 * thread, and {@link #reopen()} and {@link #close(Deadline)} from it too.
 *
 * <p>Failures: an exception from {@link #accept} is a failure of that one frame (counted, the frame goes on to the
 * other sinks); several in a row ({@code pipeline.error_budget}) make the pipeline call {@link #reopen()}; an
 * {@link Error} stops the run. A call to {@link #accept} that does not return within {@code pipeline.stage_timeout_s}
 * stops the run too.
 */
public interface FrameSink extends AutoCloseable {

    void accept(PositiveFrame positive) throws Exception;

    /**
     * Whether this sink reads the pixels ({@link VideoFrame#image()}) of this frame. Asked on the detector's side
     * before the frame queues for the sinks: a frame no sink needs the pixels of travels without them
     * ({@link VideoFrame#hasPixels()} false, its size still known), so frames waiting for the sinks cost next to
     * nothing. The default, true, is always safe; answer false whenever the frame's metadata is enough.
     */
    default boolean needsPixels(PositiveFrame positive) {
        return true;
    }

    /**
     * A short fixed name for logs and metric labels ({@code [a-z0-9_]}): by default made from the class name
     * ({@code EventLog} -> {@code event_log}), {@code sink} for lambdas and anonymous classes. Never a path or URL.
     */
    default String name() {
        Class<?> c = getClass();
        String simple = c.isAnonymousClass() || c.isSynthetic() || c.getSimpleName().contains("$")
                ? "" : c.getSimpleName();
        if (simple.isEmpty()) {
            return "sink";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < simple.length(); i++) {
            char ch = simple.charAt(i);
            if (Character.isUpperCase(ch) && i > 0) {
                b.append('_');
            }
            b.append(Character.isLetterOrDigit(ch) ? Character.toLowerCase(ch) : '_');
        }
        return b.toString();
    }

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
