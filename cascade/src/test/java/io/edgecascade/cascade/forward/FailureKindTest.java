package io.edgecascade.cascade.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** How each failure of a request counts: against the cloud, as an attempt of the record, or for good. */
class FailureKindTest {

    @Test
    void aRequestTheServerCanNeverAcceptIsPermanent() {
        assertEquals(FailureKind.PERMANENT, FailureKind.of(Status.INVALID_ARGUMENT, true));
        assertEquals(FailureKind.PERMANENT, FailureKind.of(Status.OUT_OF_RANGE, true));
        // what gRPC-Java and C-core servers say about a message over their limit
        assertEquals(FailureKind.PERMANENT, FailureKind.of(Status.RESOURCE_EXHAUSTED.withDescription(
                "gRPC message exceeds maximum size 4194304: 5242880"), true));
        assertEquals(FailureKind.PERMANENT, FailureKind.of(Status.RESOURCE_EXHAUSTED.withDescription(
                "Received message larger than max (5242880 vs. 4194304)"), true));
    }

    @Test
    void aFullQueueOrAnOverloadedServerOnlyWaits() {
        assertEquals(FailureKind.CLOUD, FailureKind.of(Status.RESOURCE_EXHAUSTED.withDescription(
                "Exceeds maximum queue size"), true));
        assertEquals(FailureKind.CLOUD, FailureKind.of(Status.RESOURCE_EXHAUSTED, true));
    }

    @Test
    void anUnreachableCloudCountsAgainstTheRecordOnlyOnceTheRequestLeftTheEdge() {
        assertEquals(FailureKind.CLOUD, FailureKind.of(Status.UNAVAILABLE, false));
        assertEquals(FailureKind.CLOUD, FailureKind.of(Status.DEADLINE_EXCEEDED, false));
        assertEquals(FailureKind.ATTEMPT, FailureKind.of(Status.UNAVAILABLE, true));
        assertEquals(FailureKind.ATTEMPT, FailureKind.of(Status.DEADLINE_EXCEEDED, true));
    }

    @Test
    void refusalsOfEveryRequestAndTheAgentsOwnCancelsAreTheClouds() {
        for (Status s : new Status[] {Status.UNAUTHENTICATED, Status.PERMISSION_DENIED, Status.UNIMPLEMENTED,
                Status.CANCELLED, Status.ABORTED}) {
            assertEquals(FailureKind.CLOUD, FailureKind.of(s, true), s.toString());
        }
    }

    @Test
    void serverErrorsAreAttemptsAndAMissingModelIsCheckedAgain() {
        assertEquals(FailureKind.ATTEMPT, FailureKind.of(Status.INTERNAL, true));
        assertEquals(FailureKind.ATTEMPT, FailureKind.of(Status.UNKNOWN, true));
        assertEquals(FailureKind.RECHECK, FailureKind.of(Status.NOT_FOUND, true));
        assertEquals(FailureKind.RECHECK, FailureKind.of(Status.FAILED_PRECONDITION, true));
    }

    @Test
    void aStreamErrorMessageStartingWithACodeNameCarriesThatCode() {
        assertEquals(Status.Code.INVALID_ARGUMENT, FailureKind.ofStreamError(
                "INVALID_ARGUMENT: model 'yolox': the BYTES input is not a JPEG or PNG image (5 bytes)").getCode());
        assertEquals(Status.Code.INVALID_ARGUMENT, FailureKind.ofStreamError(
                "Status{code=INVALID_ARGUMENT, description=bad, cause=null}").getCode());
        // Triton's plain messages, and a message that starts with a word in capitals, are UNKNOWN: attempts
        assertEquals(Status.Code.UNKNOWN, FailureKind.ofStreamError(
                "[request id: cam:1] expected 1 inputs but got 2 inputs for model 'yolox'").getCode());
        assertEquals(Status.Code.UNKNOWN, FailureKind.ofStreamError("CUDA out of memory").getCode());
        assertEquals(Status.Code.UNKNOWN, FailureKind.ofStreamError("OK: strange").getCode());
    }
}
