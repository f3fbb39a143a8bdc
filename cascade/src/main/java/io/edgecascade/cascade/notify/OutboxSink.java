package io.edgecascade.cascade.notify;

import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.api.DeliveringSink;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.forward.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink that tells a peer about events through a durable {@link Outbox}: {@link #accept} (the sink's thread) turns a
 * frame's event lines into messages and writes them to the outbox, nothing more, so a peer that is slow or gone never
 * holds the sink's queue (and behind it the cascade); {@link #deliver()} (its delivery thread) sends them oldest first
 * through a {@link Transport}, one at a time, so they arrive in order after any outage.
 *
 * <p>How a send counts ({@link Transport.Kind}): an unreachable peer is waited for with exponential backoff and costs
 * the message nothing; a failure the peer answered is an attempt (after {@code max_attempts} the message is a dead
 * letter); a permanent refusal is a dead letter at once. The first failure of an outage is one WARN line, the return
 * one INFO line; while it lasts, one line a minute.
 *
 * <p>{@link #close(Deadline)} lets the delivery thread go on while it makes progress and the deadline allows (a sink
 * whose peer is down does not wait at all), then stops it; what is left stays in the outbox for the next start.
 * Subclasses add what their peer needs besides events (MQTT's availability and state topics) through the hooks
 * {@link #connected()} and {@link #idle(long)}, which run on the delivery thread.
 */
public abstract class OutboxSink implements DeliveringSink {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxSink.class);
    private static final long OUTAGE_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** A stop waits for the outbox to drain only while a message was sent this recently. */
    private static final long DRAIN_STALL_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Time a stop keeps for the transport's goodbye after the delivery thread ended. */
    private static final Duration CLOSE_RESERVE = Duration.ofMillis(1500);

    private final String name;
    protected final Outbox outbox;
    protected final Transport transport;
    protected final PipelineObserver observer;
    /** Where the messages' pictures come from ({@link SnapshotSource#NONE} for a sink without them). */
    protected final SnapshotSource snapshots;
    private final Backoff backoff;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final CountDownLatch delivered = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean delivering;
    private volatile long lastSentNanos = System.nanoTime();
    private boolean signalled; // guarded by lock
    private boolean closed;

    // delivery thread only
    private int unreachableInARow;
    private int attemptsInARow;
    private long outageSinceNanos;
    private long lastOutageLogNanos;

    protected OutboxSink(String name, Outbox outbox, Transport transport, Backoff backoff, SnapshotSource snapshots,
            PipelineObserver observer) {
        this.name = name;
        this.snapshots = snapshots;
        this.outbox = outbox;
        this.transport = transport;
        this.backoff = backoff;
        this.observer = observer;
    }

    /** Exponential backoff for a sink: from {@code initial} up to {@code max}, with jitter. */
    public static Backoff backoff(Duration initial, Duration max) {
        return new Backoff(initial, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    @Override
    public final String name() {
        return name;
    }

    /** Pixels only for a frame that becomes some track's best frame, and only when the sink sends pictures. */
    @Override
    public final boolean needsPixels(PositiveFrame p) {
        return snapshots.needsPixels(p);
    }

    /**
     * The messages of one frame, in the order they must arrive (none is fine). On the sink's thread, after
     * {@link #snapshots} has seen the frame.
     */
    protected abstract List<OutboxMessage> messages(PositiveFrame p) throws Exception;

    @Override
    public final void accept(PositiveFrame p) throws Exception {
        snapshots.observe(p);
        List<OutboxMessage> ms = messages(p);
        for (OutboxMessage m : ms) {
            outbox.append(m);
        }
        if (!ms.isEmpty()) {
            signal();
        }
    }

    /** Wakes the delivery thread (new messages, a state to publish, the stop). */
    protected final void signal() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Runs on the delivery thread after each (re)connect, before the outbox is sent: a session's first messages. */
    protected void connected() throws Exception {
    }

    /**
     * Runs on the delivery thread on every turn of its loop while connected (periodic work: state topics).
     *
     * @return nanoseconds until it wants to run again
     */
    protected long idle(long nowNanos) throws Exception {
        return TimeUnit.SECONDS.toNanos(1);
    }

    @Override
    public final void deliver() throws Exception {
        delivering = true;
        try {
            loop();
        } catch (IOException e) {
            if (!stopping) {
                throw e; // the outbox's disk failed while the run goes on: fatal, one line names it
            }
        } finally {
            delivered.countDown();
        }
    }

    private void loop() throws Exception {
        boolean wasConnected = false;
        while (!stopping) {
            if (!transport.connected()) {
                String why = transport.connect();
                if (why != null) {
                    unreachable(why);
                    pause(backoff.delayNanos(unreachableInARow++));
                    continue;
                }
                reachable();
                connected();
                wasConnected = true;
            }
            long next = idle(System.nanoTime());
            if (!transport.connected()) {
                continue;
            }
            Outbox.Pending p = outbox.next();
            if (p == null) {
                outbox.flushIfDue();
                pause(Math.min(next, TimeUnit.SECONDS.toNanos(1)));
                continue;
            }
            if (p.attempts() > 0) {
                observer.sinkMessage(name, "retried");
            }
            Transport.Result r = transport.send(p.message());
            switch (r.kind()) {
                case SENT -> {
                    outbox.sent(p);
                    lastSentNanos = System.nanoTime();
                    attemptsInARow = 0;
                }
                case UNREACHABLE -> {
                    outbox.release(p);
                    unreachable(r.error());
                    pause(backoff.delayNanos(unreachableInARow++));
                }
                case ATTEMPT -> {
                    if (!outbox.failed(p, r.status(), r.error())) {
                        LOG.debug("sink {}: message {} failed ({} {}); it goes again", name, p.message().key(),
                                r.status(), r.error());
                        pause(backoff.delayNanos(attemptsInARow++));
                    }
                }
                case PERMANENT -> outbox.deadLetter(new Outbox.Pending(p.entry(), p.message(), p.attempts() + 1),
                        Outbox.Reason.REJECTED, r.status(), r.error()); // the refused try counts as one
            }
        }
        if (wasConnected) {
            LOG.debug("sink {}: delivery stopped with {} message(s) in its outbox", name, outbox.pending());
        }
    }

    private void unreachable(String why) {
        long now = System.nanoTime();
        if (outageSinceNanos == 0) {
            outageSinceNanos = now;
            lastOutageLogNanos = now;
            LOG.warn("sink {}: cannot reach {} ({}); {} message(s) wait in its outbox and go once it is back", name,
                    transport.describe(), why, outbox.pending());
        } else if (now - lastOutageLogNanos >= OUTAGE_LOG_NANOS) {
            lastOutageLogNanos = now;
            LOG.warn("sink {}: {} still unreachable after {} s ({}); {} message(s) wait", name, transport.describe(),
                    TimeUnit.NANOSECONDS.toSeconds(now - outageSinceNanos), why, outbox.pending());
        }
    }

    private void reachable() {
        if (outageSinceNanos != 0) {
            LOG.info("sink {}: {} reachable again after {} s; sending the {} message(s) of its outbox", name,
                    transport.describe(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageSinceNanos),
                    outbox.pending());
        } else {
            LOG.info("sink {}: connected to {}", name, transport.describe());
        }
        outageSinceNanos = 0;
        unreachableInARow = 0;
    }

    /** Waits up to {@code nanos} or until {@link #signal()}ed. */
    private void pause(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (!signalled && !stopping && left > 0) {
                left = wake.awaitNanos(left);
            }
            signalled = false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lets delivery go on while it makes progress (and {@code deadline} allows, less what the goodbye needs), stops the
     * delivery thread, says goodbye to the peer and closes the outbox; what is left is sent on the next start.
     */
    @Override
    public void close(Deadline deadline) throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        Deadline drain = Deadline.after(deadline.remaining().minus(CLOSE_RESERVE));
        if (delivering) {
            while (outbox.pending() > 0 && !drain.expired() && transport.connected()
                    && System.nanoTime() - lastSentNanos < DRAIN_STALL_NANOS) {
                signal();
                Thread.sleep(Math.min(20, Math.max(1, drain.remainingMillis())));
            }
        }
        stopping = true;
        signal();
        if (delivering && !delivered.await(Math.max(0, deadline.remainingNanos() - CLOSE_RESERVE.toNanos() / 2),
                TimeUnit.NANOSECONDS)) {
            LOG.warn("sink {}: its delivery thread is still inside a send at the stop's deadline", name);
        }
        try {
            transport.close(deadline);
        } finally {
            closeOwn();
            int left = outbox.pending();
            outbox.close();
            if (left > 0) {
                LOG.info("sink {}: {} message(s) stay in its outbox {} and go on the next start", name, left,
                        outbox.dir());
            }
        }
    }

    /** What a subclass holds besides the transport and outbox; called once at close. */
    protected void closeOwn() {
    }

    @Override
    public final void close() throws Exception {
        close(Deadline.after(Duration.ofSeconds(5)));
    }

    /** True once {@link #close(Deadline)} began: periodic work stops. */
    protected final boolean stopping() {
        return stopping;
    }
}
