package io.edgecascade.cascade.spool;

import io.edgecascade.cascade.spool.SpoolDirectory.Entry;
import io.edgecascade.cascade.spool.SpoolDirectory.EvictionListener;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the spool folder under {@code spool.max_bytes}: before an append that would go over it, evicts the oldest
 * segments whole until the record fits; tells the {@link EvictionListener} the tag of every record lost, and
 * counts them. A record alone larger than the bound is not stored and counted the same way.
 *
 * <p>Records of an evicted segment that were handed out are not lost yet: the spool's index marks them orphans
 * ({@link Index#dropSegment}); a read of one throws {@link SpoolDirectory.EvictedException}, and one given back
 * undelivered is reported here ({@link #lostInFlight}).
 *
 * <p>{@link #makeRoom} runs with the spool's I/O lock held; the index takes its own lock and does no I/O.
 */
final class SpoolEvictor {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolEvictor.class);

    /** The spool's in-memory side of an eviction. */
    @FunctionalInterface
    interface Index {
        /**
         * Forgets the segment's records not yet handed out (returned: they are lost) and marks those in flight as
         * orphans, whose outcome decides: acknowledged = delivered, released = lost.
         */
        List<Entry> dropSegment(long segmentId);
    }

    private final long maxBytes;
    private final SegmentFiles files;
    private final Index index;
    private final EvictionListener listener;
    private final AtomicLong evicted = new AtomicLong();

    SpoolEvictor(long maxBytes, SegmentFiles files, Index index, EvictionListener listener) {
        this.maxBytes = maxBytes;
        this.files = files;
        this.index = index;
        this.listener = listener;
    }

    /**
     * Whether a record of this size can be stored at all; when not, it is counted as evicted and reported (the
     * caller does not store it). Takes no lock.
     */
    boolean admit(String tag, long recordBytes) {
        if (recordBytes <= maxBytes) {
            return true;
        }
        evicted.incrementAndGet();
        listener.evicted(tag);
        LOG.warn("spool: a {}-byte record does not fit in spool.max_bytes {}; it is dropped", recordBytes, maxBytes);
        return false;
    }

    /** Evicts the oldest segments until a record of this size fits under the bound (I/O lock held). */
    void makeRoom(long recordBytes) throws IOException {
        while (files.diskBytes() + recordBytes > maxBytes && !files.isEmpty()) {
            evictOldest();
        }
    }

    private void evictOldest() throws IOException {
        SegmentFiles.Segment oldest = files.oldest();
        List<Entry> lost = index.dropSegment(oldest.id);
        evicted.addAndGet(lost.size());
        for (Entry e : lost) {
            listener.evicted(e.tag());
        }
        LOG.warn("spool: full (spool.max_bytes {}): evicted {} with {} unsent positives", maxBytes,
                oldest.file.getFileName(), lost.size());
        files.delete(oldest);
    }

    /** A record handed out before its segment was evicted came back undelivered: it is lost. */
    void lostInFlight(Entry e) {
        evicted.incrementAndGet();
        listener.evicted(e.tag());
    }

    /** Records evicted (lost) since the spool was opened. */
    long evictedRecords() {
        return evicted.get();
    }
}
