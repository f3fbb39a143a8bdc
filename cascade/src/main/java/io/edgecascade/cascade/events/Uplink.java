package io.edgecascade.cascade.events;

import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.forward.Forwarder;
import io.edgecascade.cascade.forward.Upload;

/**
 * Where {@link EventForwarding} sends the frames it chose: one {@link Upload} per distinct frame. The forwarder
 * ({@link #to(Forwarder)}); in {@code bench}, a meter that only counts.
 */
@FunctionalInterface
public interface Uplink extends AutoCloseable {

    void upload(Upload u) throws Exception;

    /** Finishes by {@code deadline} (see {@link io.edgecascade.cascade.api.FrameSink#close(Deadline)}). */
    default void close(Deadline deadline) throws Exception {
        close();
    }

    @Override
    default void close() throws Exception {
    }

    /** The cloud forwarder: spools each upload as it is (no second encoding) and sends it. */
    static Uplink to(Forwarder forwarder) {
        return new Uplink() {
            @Override
            public void upload(Upload u) throws InterruptedException {
                forwarder.upload(u);
            }

            @Override
            public void close(Deadline deadline) throws Exception {
                forwarder.close(deadline);
            }

            @Override
            public void close() throws Exception {
                forwarder.close();
            }

            @Override
            public String toString() {
                return forwarder.toString();
            }
        };
    }
}
