package io.edgecascade.cascade.pipeline;

import java.util.Locale;

/**
 * A fatal failure of one stage, the reason a run stopped: an {@link Error} inside a stage (out of memory, a native
 * library that failed to link), a resource that could not be reopened after {@code pipeline.error_budget} failures in
 * a row, a stage stuck in one call for {@code pipeline.stage_timeout_s}. Its message is one line naming the stage,
 * what failed and the fix.
 */
public final class StageFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final String stage;

    /**
     * @param stage   the stage thread that failed ({@code detector-0}, {@code sink-event_log}, {@code output},
     *                {@code capture-lobby})
     * @param message what failed and the fix, one line
     * @param cause   the throwable behind it, or null
     */
    public StageFailure(String stage, String message, Throwable cause) {
        super(message, cause);
        this.stage = stage;
    }

    public String stage() {
        return stage;
    }

    /**
     * The failure for a throwable that escaped {@code stage}: an {@link Error}, or an exception no stage expected (a
     * bug). The message says what it means for a user and what to do.
     */
    public static StageFailure of(String stage, Throwable t) {
        return new StageFailure(stage, stage + ": " + describe(t) + "; " + fix(t), t);
    }

    /** {@code SimpleName: message}, one line. */
    static String describe(Throwable t) {
        String m = t.getMessage();
        String s = t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
        return s.replace('\n', ' ').trim();
    }

    /** What a user can do about {@code t}. */
    static String fix(Throwable t) {
        if (t instanceof OutOfMemoryError) {
            return "the agent ran out of memory: give it more (JAVA_OPTS=-Xmx2g, in /etc/default/edge-cascade for the"
                    + " service) or run fewer or smaller cameras";
        }
        if (t instanceof LinkageError) {
            return "a native library or class could not be loaded or linked: reinstall edge-cascade and check the"
                    + " engine with 'edge-cascade probe'";
        }
        if (t instanceof VirtualMachineError) {
            return "the Java runtime failed: restart the agent and report the error with its log";
        }
        return "this is a bug: restart the agent and report the error with its log (run with --verbose for the stack"
                + " trace)";
    }

    /** The JSON of the summary's {@code fatal} key: stage and message. */
    java.util.Map<String, Object> toJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("stage", stage);
        m.put("error", getMessage());
        return m;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "fatal failure of %s: %s", stage, getMessage());
    }
}
