package io.edgecascade.engines;

/**
 * A model could not be loaded or run. The message is written for the user: it names the problem and, where
 * there is one, the fix, so the command line can print it as one line.
 */
public class EngineException extends Exception {
    private static final long serialVersionUID = 1L;

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
