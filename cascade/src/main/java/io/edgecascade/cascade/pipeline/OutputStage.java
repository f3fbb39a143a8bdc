package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every positive frame to the sinks (event log, forwarder) on its own thread, so slow I/O never holds
 * up the detector, then frees the frame. A failing sink is logged (first failure, then every 100th) and the
 * other sinks still get the frame.
 */
final class OutputStage implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(OutputStage.class);

    private final StageQueue<PositiveFrame> in;
    private final List<FrameSink> sinks;
    private final Map<FrameSink, Long> failures = new HashMap<>();

    OutputStage(StageQueue<PositiveFrame> in, List<FrameSink> sinks) {
        this.in = in;
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public void run() {
        try {
            PositiveFrame p;
            while ((p = in.take()) != null) {
                try {
                    for (FrameSink sink : sinks) {
                        deliver(sink, p);
                    }
                } finally {
                    p.frame().close();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(FrameSink sink, PositiveFrame p) {
        try {
            sink.accept(p);
        } catch (Exception e) {
            long n = failures.merge(sink, 1L, Long::sum);
            if (n == 1 || n % 100 == 0) {
                LOG.error("{} failed on camera {} frame {} ({} failures so far): {}", sink, p.frame().camera(),
                        p.frame().sequence(), n, e.getMessage());
            }
        }
    }

    /** Failures per sink so far (read after the stage has ended). */
    long failures() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }
}
