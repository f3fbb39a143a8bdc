package io.edgecascade.cascade.forward;

import io.grpc.Status;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one failed delivery of a record counts: against the cloud (the record waits), against the record (an attempt,
 * {@code cloud.max_attempts}), or for good (the dead-letter folder now). Pure: decided from the status and whether
 * the request left the edge.
 */
enum FailureKind {

    /** The cloud's condition (unreachable, overloaded, refusing everyone, or the agent stopping): not counted. */
    CLOUD,
    /** The request reached the server and failed: one attempt of the record. */
    ATTEMPT,
    /**
     * The model was not found or not in a state to serve: an attempt, and the model is checked again; the same answer
     * after a good check is {@link #PERMANENT}.
     */
    RECHECK,
    /** The server can never accept this request (bad argument, out of range, larger than it takes). */
    PERMANENT;

    /**
     * What gRPC says when a message is over a size limit: "gRPC message exceeds maximum size N: M" (Java), "Received
     * message larger than max (M vs. N)" (C-core, Go). Narrow on purpose: a full queue is RESOURCE_EXHAUSTED too, and
     * only waits.
     */
    private static final Pattern TOO_LARGE = Pattern.compile("message (exceeds maximum size|larger than max)",
            Pattern.CASE_INSENSITIVE);
    /** A gRPC code name at the start of a stream's {@code error_message} ({@code INVALID_ARGUMENT: ...}). */
    private static final Pattern LEADING_CODE = Pattern.compile("^\\s*(?:Status\\{code=)?([A-Z_]{2,})\\b");

    /**
     * @param reachedServer whether the transport sent the request (a call that failed while connecting did not)
     */
    static FailureKind of(Status status, boolean reachedServer) {
        return switch (status.getCode()) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> PERMANENT;
            case RESOURCE_EXHAUSTED -> tooLarge(status) ? PERMANENT : CLOUD;
            case NOT_FOUND, FAILED_PRECONDITION -> RECHECK;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> reachedServer ? ATTEMPT : CLOUD;
            // refusing every request (credentials, an RPC the server lacks), or the agent itself ending the call
            case UNAUTHENTICATED, PERMISSION_DENIED, UNIMPLEMENTED, CANCELLED, ABORTED, OK -> CLOUD;
            case INTERNAL, UNKNOWN, DATA_LOSS, ALREADY_EXISTS -> ATTEMPT;
        };
    }

    private static boolean tooLarge(Status status) {
        return status.getDescription() != null && TOO_LARGE.matcher(status.getDescription()).find();
    }

    /**
     * The status of a request a stream answered with an {@code error_message}: the gRPC code it starts with (the
     * reference server's {@code CODE: message}), else UNKNOWN (Triton's plain messages), which counts as an attempt.
     */
    static Status ofStreamError(String errorMessage) {
        Matcher m = LEADING_CODE.matcher(errorMessage);
        if (m.find()) {
            try {
                Status.Code code = Status.Code.valueOf(m.group(1).toUpperCase(Locale.ROOT));
                if (code != Status.Code.OK) {
                    return code.toStatus().withDescription(errorMessage);
                }
            } catch (IllegalArgumentException notACode) {
                // a message that starts with a word in capitals
            }
        }
        return Status.UNKNOWN.withDescription(errorMessage);
    }
}
