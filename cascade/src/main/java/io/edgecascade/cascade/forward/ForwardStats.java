package io.edgecascade.cascade.forward;

import io.edgecascade.cascade.pipeline.RunSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the forwarder's outcomes per camera, for the run summary. */
public final class ForwardStats implements ForwardListener {

    private record Counters(AtomicLong acked, AtomicLong spooled, AtomicLong evicted, AtomicLong errors,
            AtomicLong deadLettered, AtomicLong storeFailed) {
        Counters() {
            this(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(),
                    new AtomicLong());
        }
    }

    private final Map<String, Counters> cameras = new ConcurrentHashMap<>();
    private final AtomicLong spoolBytes = new AtomicLong();

    private Counters of(String camera) {
        return cameras.computeIfAbsent(camera, c -> new Counters());
    }

    @Override
    public void onAcked(String camera) {
        of(camera).acked().incrementAndGet();
    }

    @Override
    public void onSpooled(String camera) {
        of(camera).spooled().incrementAndGet();
    }

    @Override
    public void onError(String camera) {
        of(camera).errors().incrementAndGet();
    }

    @Override
    public void onStoreFailed(String camera) {
        of(camera).storeFailed().incrementAndGet();
    }

    @Override
    public void onEvicted(String camera) {
        of(camera).evicted().incrementAndGet();
    }

    @Override
    public void onDeadLettered(String camera) {
        of(camera).deadLettered().incrementAndGet();
    }

    @Override
    public void spoolBytes(long bytes) {
        spoolBytes.set(bytes);
    }

    /** The counts of {@code cameraIds} (zeros for a camera with none), in that order. */
    public Map<String, RunSummary.ForwardCounts> snapshot(List<String> cameraIds) {
        Map<String, RunSummary.ForwardCounts> out = new LinkedHashMap<>();
        for (String id : cameraIds) {
            Counters c = cameras.get(id);
            out.put(id, c == null ? RunSummary.ForwardCounts.NONE
                    : new RunSummary.ForwardCounts(c.acked().get(), c.spooled().get(), c.evicted().get(),
                            c.errors().get(), c.deadLettered().get(), c.storeFailed().get()));
        }
        return out;
    }

    public long spoolBytes() {
        return spoolBytes.get();
    }
}
