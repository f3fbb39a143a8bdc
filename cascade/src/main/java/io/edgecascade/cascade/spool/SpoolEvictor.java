package io.edgecascade.cascade.spool;

import io.edgecascade.cascade.spool.SpoolDirectory.Entry;
import io.edgecascade.cascade.spool.SpoolDirectory.EvictionListener;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the spool folder under {@code spool.max_bytes} and its disk from filling: before an append that would go
 * over the bound, or leave less than {@value #DISK_RESERVE} bytes free on the disk (a disk smaller than the bound,
 * or filled by another writer), evicts the oldest segments whole until the record fits; tells the
 * {@link EvictionListener} the tag of every record lost, and counts them. A record alone larger than the bound is
 * not stored and counted the same way; one that would not fit on the disk even with the spool empty evicts nothing
 * (its store fails, the caller counts it).
 *
 * <p>Eviction goes by segment, so the segment size is how much one eviction throws away: {@link #segmentBytes}
 * sizes each new segment at an eighth of what the spool can really hold, the bound or the disk, whichever is
 * smaller.
 *
 * <p>Records of an evicted segment that were handed out are not lost yet: the spool's index marks them orphans
 * ({@link Index#dropSegment}); a read of one throws {@link SpoolDirectory.EvictedException}, and one given back
 * undelivered is reported here ({@link #lostInFlight}).
 *
 * <p>{@link #makeRoom} runs with the spool's I/O lock held; the index takes its own lock and does no I/O.
 */
final class SpoolEvictor {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolEvictor.class);

    /**
     * Bytes left free on the spool's disk: room for the acknowledgement and attempt files and the file system's
     * block rounding, so that the writes that deliver records do not fail on a disk the spool filled.
     */
    static final long DISK_RESERVE = 256 << 10;
    /** The smallest segment a full disk makes the spool start (no smaller than the configured size, though). */
    static final long MIN_SEGMENT = 16 << 10;

    /** The free space of the spool's disk; a seam, so that this class's test can fill a disk that is not there. */
    @FunctionalInterface
    interface DiskSpace {
        /** Bytes the spool can still write on its disk. */
        long usableBytes() throws IOException;
    }

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
    private final DiskSpace disk;
    private final AtomicLong evicted = new AtomicLong();

    SpoolEvictor(long maxBytes, SegmentFiles files, Index index, EvictionListener listener, DiskSpace disk) {
        this.maxBytes = maxBytes;
        this.files = files;
        this.index = index;
        this.listener = listener;
        this.disk = disk;
    }

    /** The free space of the file store holding {@code dir}, asked at each call. */
    static DiskSpace diskOf(Path dir) throws IOException {
        FileStore store = Files.getFileStore(dir);
        return store::getUsableSpace;
    }

    /**
     * What the spool can hold at most: the bound, or the disk (the spool's files and the free space, less the
     * reserve) when that is smaller.
     */
    long capacity() throws IOException {
        return Math.min(maxBytes, files.diskBytes() + disk.usableBytes() - DISK_RESERVE);
    }

    /**
     * The size at which a segment started now is sealed: an eighth of {@link #capacity}, between
     * {@value #MIN_SEGMENT} bytes and {@code configured} (the settings' size); {@code configured} when the disk
     * cannot be asked.
     */
    long segmentBytes(long configured) {
        try {
            return Math.min(configured, Math.max(MIN_SEGMENT, capacity() / 8));
        } catch (IOException e) {
            return configured;
        }
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

    /**
     * Evicts the oldest segments until a record of this size fits under the bound and on the disk (I/O lock held).
     * Evicts nothing for a record that would not fit on the disk even with the spool empty.
     */
    void makeRoom(long recordBytes) throws IOException {
        while (files.diskBytes() + recordBytes > maxBytes && !files.isEmpty()) {
            evictOldest("full (spool.max_bytes " + maxBytes + ")");
        }
        makeRoomOnDisk(recordBytes);
    }

    /**
     * After a write of a record of this size failed: when the disk is what is short (another writer took the room
     * meanwhile) and evicting can make room, evicts the oldest segment and returns true (write again); false when
     * the failure is not for want of room or cannot be helped by evicting (I/O lock held).
     */
    boolean evictAfterFailedWrite(long recordBytes) throws IOException {
        long free = disk.usableBytes();
        if (free >= recordBytes + DISK_RESERVE || files.isEmpty() || !fitsOnEmptyDisk(recordBytes, free)) {
            return false;
        }
        evictOldest(diskFull(free));
        return true;
    }

    private void makeRoomOnDisk(long recordBytes) throws IOException {
        long free = disk.usableBytes();
        if (free >= recordBytes + DISK_RESERVE || !fitsOnEmptyDisk(recordBytes, free)) {
            return;
        }
        while (free < recordBytes + DISK_RESERVE && !files.isEmpty()) {
            evictOldest(diskFull(free));
            free = disk.usableBytes();
        }
    }

    private boolean fitsOnEmptyDisk(long recordBytes, long free) {
        return files.diskBytes() + free >= recordBytes + DISK_RESERVE;
    }

    private String diskFull(long free) {
        return "its disk is full (" + free + " bytes free, spool.max_bytes " + maxBytes + " not reached)";
    }

    private void evictOldest(String why) throws IOException {
        SegmentFiles.Segment oldest = files.oldest();
        List<Entry> lost = index.dropSegment(oldest.id);
        evicted.addAndGet(lost.size());
        for (Entry e : lost) {
            listener.evicted(e.tag());
        }
        LOG.warn("spool: {}: evicted {} with {} unsent positives", why, oldest.file.getFileName(), lost.size());
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
