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

    private final int exitCode;

    public UserError(String message) {
        this(message, FAILED, null);
    }

    public UserError(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
