package io.edgecascade.app.cli;

/**
 * A failure the user can fix: printed as one line (its message names the problem and the fix), no stack trace
 * unless {@code --verbose}, and the command exits with {@link #exitCode()}.
 */
public final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The command cannot go on: bad input, missing file, unreachable server. */
    public static final int FAILED = 1;
    /** The config or the command line is wrong. */
    public static final int USAGE = 2;
    /**
     * The run stopped on a fatal failure of a pipeline stage (an Error, a resource that could not be reopened, a stage
     * stuck in one call): the line names the stage and the fix; a service manager restarts the agent.
     */
    public static final int STOPPED = 3;

    private final int exitCode;

    public UserError(String message) {
        this(message, FAILED, null);
    }

    /** The error for a run that a fatal failure of a stage stopped. */
    public static UserError stopped(io.edgecascade.cascade.pipeline.StageFailure f) {
        return new UserError("the run stopped on a fatal failure: " + f.getMessage(), STOPPED, f);
    }

    public UserError(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
