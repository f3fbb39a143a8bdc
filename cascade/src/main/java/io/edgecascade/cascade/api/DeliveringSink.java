package io.edgecascade.cascade.api;

/**
 * A sink that hands what it accepted to a peer (an MQTT broker, a web server) on a thread of its own, so that a peer
 * that is slow or gone never holds the sink's queue: {@link #accept} only writes to the sink's durable outbox, and
 * {@link #deliver()} sends from there.
 *
 * <p>The pipeline's supervisor runs {@link #deliver()} on a stage thread {@code deliver-<name>} next to the sink's own
 * {@code sink-<name>} thread, from the start of the run. It returns once {@link #close(Deadline)} (on the sink's thread,
 * under the stop's deadline) has told it to stop; what it could not send by then stays in the outbox for the next
 * start. A failure of the peer is the sink's business (retries, dead letters); whatever escapes {@link #deliver()} is a
 * fatal failure of the run, like any stage's. A sink whose {@link #deliver()} never started (a run that did not start)
 * must still close.
 */
public interface DeliveringSink extends FrameSink {

    /** The delivery loop: sends what the outbox holds, in order, until the sink is closed. */
    void deliver() throws Exception;
}
