package io.edgecascade.cascade.record;

import io.edgecascade.cascade.logging.RateLimitedLog;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one memory budget of live cameras' clips ({@code record.max_memory_mb}): the packets held by captures in
 * progress and by clips waiting for the disk, all cameras together. A packet is counted once however many clips hold
 * it (the events of one scene share their packets). What does not fit is not kept: a capture that cannot grow is
 * cut there, one that cannot start is dropped; both are counted per camera ({@link #cut()}, {@link #dropped()}) and
 * logged, one line a minute. Thread-safe.
 */
public final class ClipMemory {

    private static final Logger LOG = LoggerFactory.getLogger(ClipMemory.class);

    private final long maxBytes;
    /** Each held packet's data -> how many clips hold it. */
    private final IdentityHashMap<byte[], int[]> held = new IdentityHashMap<>();
    private final Map<String, Long> cut = new LinkedHashMap<>();
    private final Map<String, Long> dropped = new LinkedHashMap<>();
    private final RateLimitedLog log = new RateLimitedLog(LOG, 1, TimeUnit.MINUTES);
    private long bytes;

    public ClipMemory(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.maxBytes = maxBytes;
    }

    /** One more clip holds {@code p}; false (and nothing held) when its bytes do not fit in the budget. */
    public synchronized boolean hold(EncodedPacket p) {
        int[] n = held.get(p.data());
        if (n == null) {
            if (bytes + p.size() > maxBytes) {
                return false;
            }
            held.put(p.data(), n = new int[1]);
            bytes += p.size();
        }
        n[0]++;
        return true;
    }

    /** One more clip holds all of {@code packets}, or none of them when they do not fit together. */
    public synchronized boolean holdAll(List<EncodedPacket> packets) {
        long more = 0;
        IdentityHashMap<byte[], Boolean> counted = new IdentityHashMap<>();
        for (EncodedPacket p : packets) {
            if (!held.containsKey(p.data()) && counted.put(p.data(), Boolean.TRUE) == null) {
                more += p.size();
            }
        }
        if (bytes + more > maxBytes) {
            return false;
        }
        packets.forEach(this::hold);
        return true;
    }

    /** A clip lets go of its packets (written, or given up). */
    public synchronized void release(List<EncodedPacket> packets) {
        for (EncodedPacket p : packets) {
            int[] n = held.get(p.data());
            if (n != null && --n[0] == 0) {
                held.remove(p.data());
                bytes -= p.size();
            }
        }
    }

    /** A clip ends early because the budget is used up; counted and logged (rate-limited). */
    public void cut(String camera, String eventId) {
        synchronized (this) {
            cut.merge(camera, 1L, Long::sum);
        }
        log.warn("record: camera {} event {}: clip cut short: record.max_memory_mb ({} MB for all cameras' clips in"
                + " memory) is used up; raise it, or shorten record.post_s", camera, eventId, maxBytes >> 20);
    }

    /** A clip is not written at all; counted and logged (rate-limited). */
    public void dropped(String camera, String eventId, String why) {
        synchronized (this) {
            dropped.merge(camera, 1L, Long::sum);
        }
        log.warn("record: camera {} event {}: no clip: {}", camera, eventId, why);
    }

    /** Bytes of packets held now. */
    public synchronized long bytes() {
        return bytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Per camera: clips cut short by the budget. */
    public synchronized Map<String, Long> cut() {
        return new LinkedHashMap<>(cut);
    }

    /** Per camera: clips not written (no room to start, the writer's queue full, no time left at a stop). */
    public synchronized Map<String, Long> dropped() {
        return new LinkedHashMap<>(dropped);
    }
}
