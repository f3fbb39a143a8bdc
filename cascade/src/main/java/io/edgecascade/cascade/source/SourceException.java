package io.edgecascade.cascade.source;

/** A source cannot be opened or read. The message names the problem and the fix, for one log line. */
public class SourceException extends Exception {
    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
