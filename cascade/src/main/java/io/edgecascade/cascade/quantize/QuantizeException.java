package io.edgecascade.cascade.quantize;

/** Quantization cannot go on; the message is one line naming the problem and the fix. */
public final class QuantizeException extends Exception {
    public QuantizeException(String message) {
        super(message);
    }

    public QuantizeException(String message, Throwable cause) {
        super(message, cause);
    }
}
