package io.edgecascade.cascade.notify;

import io.edgecascade.cascade.api.Deadline;

/**
 * How a sink's delivery thread reaches its peer (an MQTT broker, a web server): one message at a time, in order. Used
 * from the delivery thread, but {@link #close} from the sink's thread once the delivery thread has stopped.
 */
public interface Transport {

    /** How one send went, and how it counts. */
    enum Kind {
        /** The peer took it. */
        SENT,
        /** The peer could not be reached (refused, no route, not connected): the message waits, not counted. */
        UNREACHABLE,
        /** The peer got it and failed (a 5xx, 408, 429, a timeout): one attempt of the message. */
        ATTEMPT,
        /** The peer can never take it (an HTTP 4xx other than 408/429): a dead letter at once. */
        PERMANENT
    }

    /** @param status a short code for metrics and dead letters ({@code 503}, {@code TIMEOUT}) */
    record Result(Kind kind, String status, String error) {
        public static final Result SENT = new Result(Kind.SENT, "OK", "");
    }

    /**
     * Connects when not connected (a broker); a connectionless transport just answers null.
     *
     * @return null when ready to send, else one line saying why not (credentials redacted)
     */
    String connect() throws InterruptedException;

    /** Whether the last connect or send left the transport able to send (false after an unreachable peer). */
    boolean connected();

    Result send(OutboxMessage m) throws InterruptedException;

    /** Where it sends, for logs (no credentials). */
    String describe();

    /** Ends the connection by {@code deadline} (a broker is told the agent is going). */
    void close(Deadline deadline);
}
