package io.edgecascade.cascade.notify;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A delivering sink with its delivery thread running, as the cascade runs it ({@code deliver-<name>} beside the test's
 * thread, which plays the sink's thread), for the sinks' tests; {@link #close()} closes it as the stop does.
 */
public final class Delivering<S extends OutboxSink> implements AutoCloseable {

    /** What a sink counted ({@link PipelineObserver#sinkMessage}) and its outbox bytes, in order. */
    public static final class Counts implements PipelineObserver {
        private final List<String> outcomes = new CopyOnWriteArrayList<>();
        private final AtomicLong outboxBytes = new AtomicLong(-1);

        @Override
        public void sinkMessage(String sink, String outcome) {
            outcomes.add(outcome);
        }

        @Override
        public void sinkOutboxBytes(String sink, long bytes) {
            outboxBytes.set(bytes);
        }

        public long of(String outcome) {
            return outcomes.stream().filter(outcome::equals).count();
        }

        public boolean any(String outcome) {
            return outcomes.contains(outcome);
        }

        public long outboxBytes() {
            return outboxBytes.get();
        }

        @Override
        public String toString() {
            return outcomes.toString();
        }
    }

    public final S sink;
    private final Thread delivery;

    private Delivering(S sink) {
        this.sink = sink;
        this.delivery = new Thread(() -> {
            try {
                sink.deliver();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "deliver-" + sink.name());
        delivery.start();
    }

    /** Starts {@code sink}'s delivery thread. */
    public static <S extends OutboxSink> Delivering<S> start(S sink) {
        return new Delivering<>(sink);
    }

    /** Hands a frame to the sink (on this thread, as the sink's thread would) and frees its pixels. */
    public void accept(PositiveFrame p) throws Exception {
        try {
            sink.accept(p);
        } finally {
            p.frame().close();
        }
    }

    /** Closes the sink under a 20 s deadline; its delivery thread must have ended. */
    @Override
    public void close() throws Exception {
        close(Duration.ofSeconds(20));
    }

    public void close(Duration deadline) throws Exception {
        sink.close(Deadline.after(deadline));
        delivery.join(30_000);
        assertFalse(delivery.isAlive(), "the delivery thread ends when the sink closes");
    }
}
