package io.edgecascade.cascade.api;

import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;

/**
 * Receives every positive frame, on the output thread, in detection order per camera. A sink must not keep
 * the frame's pixels after {@link #accept} returns (copy or encode them). Closed once, after the last frame.
 */
public interface FrameSink extends AutoCloseable {

    void accept(PositiveFrame positive) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
