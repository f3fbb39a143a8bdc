package io.edgecascade.cascade.spool;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable FIFO of opaque records on disk: append-only segment files, a CRC32 per record, records handed out
 * oldest first and deleted only after {@link #ack}. It survives the process being killed (SIGKILL): on the next
 * {@link #open} every record that was written but not acknowledged is handed out again, a torn record at the
 * end of the last segment (the write the kill interrupted) is cut off, and records whose CRC does not match are
 * skipped and counted.
 *
 * <p>Layout of {@code dir}: {@code NNNNNNNNNNNNNNNN.seg} segments ({@link SegmentCodec}), and next to each an
 * {@code .ack} file (records delivered) and a {@code .try} file (failed attempts per record, {@link #countAttempt}),
 * both {@link IntLog}s kept by {@link SegmentFiles}; a {@code .lock} file keeps other agents out
 * ({@link SpoolFolderLock}). A segment is deleted once every record in it is acknowledged. When a new record
 * would take the directory over {@code maxBytes}, or would fill its disk (a disk smaller than the bound, or one
 * another writer filled), the oldest segments are evicted whole ({@link SpoolEvictor}) and each record lost is
 * reported to the {@link EvictionListener} with its tag; segments are sized by the room the spool really has,
 * so an eviction frees about an eighth of it.
 *
 * <p>Thread-safe, with two locks so that a slow disk stalls only the thread writing: the <em>index</em> lock
 * guards the in-memory state ({@link TagIndex} of the records waiting, records in flight, counters) and is never
 * held during I/O; the <em>I/O</em> lock orders appends, acknowledgement writes, evictions and fsyncs
 * ({@link SyncPolicy}). {@link #poll}, {@link #release}, {@link #hasUnsent} and the counts take only the index
 * lock; {@link #read} takes neither (positional reads). This class is the facade that holds the locks and the
 * in-memory index and coordinates the parts above.
 */
public final class SpoolDirectory implements AutoCloseable {

    /** When appended records and acknowledgements are forced to the disk. */
    public enum Fsync {
        /** After every record and every acknowledgement: survives power loss, costs a disk flush per frame. */
        ALWAYS,
        /** At most once a second: a power loss may lose the last second; a killed process loses nothing. */
        INTERVAL,
        /** Left to the operating system: a killed process loses nothing, a power loss may lose more. */
        NEVER
    }

    /**
     * @param dir                the spool folder (created when missing)
     * @param maxBytes           bound of the files in the folder; the oldest segments are evicted beyond it
     * @param fsync              durability policy
     * @param segmentBytes       a segment is closed and a new one started once it reaches this size (or an eighth of
     *                           what the disk holds for the spool, when that is smaller)
     * @param deadLetterDir      where the forwarder moves records it gives up on (beside the spool by default)
     * @param deadLetterMaxBytes bound of that folder; its oldest files are deleted beyond it
     */
    public record Settings(Path dir, long maxBytes, Fsync fsync, long segmentBytes, Path deadLetterDir,
            long deadLetterMaxBytes) {

        /** Default bound of the dead-letter folder: 256 MiB. */
        public static final long DEFAULT_DEAD_LETTER_BYTES = 256L << 20;

        public Settings {
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxBytes must be positive");
            }
            if (segmentBytes < 1) {
                throw new IllegalArgumentException("segmentBytes must be positive");
            }
            if (deadLetterMaxBytes < 1) {
                throw new IllegalArgumentException("deadLetterMaxBytes must be positive");
            }
            deadLetterDir = deadLetterDir == null ? defaultDeadLetterDir(dir) : deadLetterDir;
        }

        /** The default dead-letter folder and bound. */
        public Settings(Path dir, long maxBytes, Fsync fsync, long segmentBytes) {
            this(dir, maxBytes, fsync, segmentBytes, null, DEFAULT_DEAD_LETTER_BYTES);
        }

        /**
         * Segments of an eighth of the bound (16 KiB .. 64 MiB), so eviction loses a small part at a time; smaller
         * on a disk that holds less than the bound ({@link SpoolEvictor#segmentBytes}).
         */
        public static Settings of(Path dir, long maxBytes, Fsync fsync) {
            return new Settings(dir, maxBytes, fsync, Math.max(16 << 10, Math.min(64L << 20, maxBytes / 8)));
        }

        /** {@code <spool folder>-dead-letters}, beside the spool folder. */
        public static Path defaultDeadLetterDir(Path spoolDir) {
            Path name = spoolDir.getFileName();
            return spoolDir.resolveSibling((name == null ? "spool" : name.toString()) + "-dead-letters");
        }

        /** A copy moving dead letters to {@code folder} (null: the default), bounded by {@code bytes}. */
        public Settings withDeadLetters(Path folder, long bytes) {
            return new Settings(dir, maxBytes, fsync, segmentBytes, folder, bytes);
        }
    }

    /** {@link #read} of a record whose segment was evicted after it was handed out; {@link #release} it. */
    public static final class EvictedException extends IOException {
        private static final long serialVersionUID = 1L;

        EvictedException() {
            super("the spool record was evicted");
        }
    }

    /** Told about every record evicted (never sent) because of the size bound. */
    @FunctionalInterface
    public interface EvictionListener {
        void evicted(String tag);
    }

    /** One record handed out by {@link #poll()}: give it back with {@link #ack} or {@link #release}. */
    public record Entry(long key, String tag, int bodyLength) {
        long segment() {
            return key >>> 32;
        }

        int offset() {
            return (int) key;
        }

        long recordBytes() {
            return SegmentCodec.HEADER + (long) bodyLength;
        }
    }

    /** How a file is forced to the disk (tests slow it down). */
    interface Forcer extends SyncPolicy.Forcer {
    }

    private static final Logger LOG = LoggerFactory.getLogger(SpoolDirectory.class);

    private final Settings settings;
    private final SpoolFolderLock folderLock;
    private final ReentrantLock io = new ReentrantLock();
    private final Object index = new Object();
    private final SegmentFiles files; // I/O lock, but for the lock-free channel lookup of reads
    private final SpoolEvictor evictor; // makeRoom under the I/O lock

    // guarded by index
    private final TagIndex unsent = new TagIndex();
    private final Map<Long, Entry> inFlight = new HashMap<>();
    /** Records in flight whose segment was evicted; their bytes are no longer in {@link #pendingBytes}. */
    private final Set<Long> orphans = new HashSet<>();
    /** Failed delivery attempts of records not yet acknowledged, by key (only those with any). */
    private final Map<Long, Integer> attempts = new HashMap<>();
    private long pendingBytes;
    private long corrupt;

    private volatile boolean closed; // set under both locks

    private SpoolDirectory(Settings settings, EvictionListener evictions, SyncPolicy sync,
            SpoolFolderLock folderLock, SpoolEvictor.DiskSpace disk) {
        this.settings = settings;
        this.folderLock = folderLock;
        // each new segment is sized by the room the spool has then (the bound, or a smaller disk)
        this.files = new SegmentFiles(settings.dir(), this::nextSegmentBytes, sync);
        this.evictor = new SpoolEvictor(settings.maxBytes(), files, this::dropSegment, evictions, disk);
    }

    /** The size of a segment started now (asked by {@link SegmentFiles} under the I/O lock). */
    private long nextSegmentBytes() {
        return evictor.segmentBytes(settings.segmentBytes());
    }

    /**
     * Opens (creating) the spool folder, takes its lock, and loads every record not yet acknowledged.
     *
     * @throws IOException with a message naming the folder and the fix when it cannot be used
     */
    public static SpoolDirectory open(Settings settings, EvictionListener evictions) throws IOException {
        return open(settings, evictions, System::nanoTime);
    }

    static SpoolDirectory open(Settings settings, EvictionListener evictions, LongSupplier nanoClock)
            throws IOException {
        return open(settings, evictions, nanoClock, ch -> ch.force(false));
    }

    static SpoolDirectory open(Settings settings, EvictionListener evictions, LongSupplier nanoClock,
            SyncPolicy.Forcer forcer) throws IOException {
        SpoolFolderLock folderLock = SpoolFolderLock.acquire(settings.dir());
        SpoolDirectory spool;
        try {
            spool = new SpoolDirectory(settings, evictions, new SyncPolicy(settings.fsync(), nanoClock, forcer),
                    folderLock, SpoolEvictor.diskOf(settings.dir()));
        } catch (IOException | RuntimeException e) {
            folderLock.close();
            throw e;
        }
        try {
            spool.recover();
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    private void recover() throws IOException {
        io.lock();
        try {
            files.load(this::loaded);
        } finally {
            io.unlock();
        }
        synchronized (index) {
            if (!unsent.isEmpty()) {
                LOG.info("spool {}: {} positives ({} bytes) from an earlier run wait to be sent", settings.dir(),
                        unsent.size(), pendingBytes);
            }
        }
        long room = evictor.capacity();
        if (room < settings.maxBytes()) {
            LOG.info("spool {}: its disk holds {} bytes for the spool, less than spool.max_bytes {}; when the disk is"
                    + " full the oldest positives are evicted", settings.dir(), Math.max(0, room),
                    settings.maxBytes());
        }
    }

    /** A segment found at open: its records not yet acknowledged wait to be sent. */
    private void loaded(SegmentFiles.Loaded segment) {
        synchronized (index) {
            if (segment.corrupt() > 0) {
                corrupt += segment.corrupt();
                LOG.error("spool: {} records of {} failed their CRC check and are skipped", segment.corrupt(),
                        segment.file());
            }
            for (Entry e : segment.unacked()) {
                unsent.add(e);
                pendingBytes += e.recordBytes();
            }
            attempts.putAll(segment.attempts());
        }
    }

    /**
     * Appends a record (durable per the fsync policy when this returns). Evicts the oldest segments first when
     * the record would take the folder over its bound or fill its disk, and again when the write fails because
     * another writer filled the disk meanwhile. Lookups and reads of other threads go on meanwhile.
     *
     * @return false when the record alone is larger than the bound (it is not stored, and counted as evicted)
     * @throws IOException when the record cannot be written even after evicting (a disk too small for it, a disk
     *                     error): it is not stored
     */
    public boolean append(String tag, byte[] payload) throws IOException {
        byte[] tagBytes = tag.getBytes(StandardCharsets.UTF_8);
        if (tagBytes.length > 0xffff) {
            throw new IllegalArgumentException("tag too long");
        }
        long recordBytes = SegmentCodec.recordBytes(tagBytes, payload.length);
        if (!evictor.admit(tag, recordBytes)) {
            return false;
        }
        io.lock();
        try {
            checkOpen();
            evictor.makeRoom(recordBytes);
            long key;
            while (true) {
                try {
                    key = files.append(tagBytes, payload);
                    break;
                } catch (IOException e) {
                    if (!evictor.evictAfterFailedWrite(recordBytes)) {
                        throw e; // not for want of room, or evicting cannot help: the caller counts the failure
                    }
                }
            }
            // published only once durable per the policy: the sender never sends what a power loss would lose
            synchronized (index) {
                unsent.add(new Entry(key, tag, (int) (recordBytes - SegmentCodec.HEADER)));
                pendingBytes += recordBytes;
            }
            return true;
        } finally {
            io.unlock();
        }
    }

    /**
     * The index side of evicting a segment ({@link SpoolEvictor.Index}); called with the I/O lock held. The bytes of
     * every record of the segment leave {@link #pendingBytes} now, those in flight too: their segment is gone from
     * the disk whatever their outcome.
     */
    private List<Entry> dropSegment(long segmentId) {
        synchronized (index) {
            List<Entry> lost = unsent.removeSegment(segmentId);
            for (Entry e : lost) {
                pendingBytes -= e.recordBytes();
                attempts.remove(e.key());
            }
            for (Entry e : inFlight.values()) {
                if (e.segment() == segmentId && orphans.add(e.key())) {
                    // its outcome decides whether it counts as lost: acked = delivered, released = evicted
                    pendingBytes -= e.recordBytes();
                }
            }
            return lost;
        }
    }

    /** The oldest record not yet handed out (now counted in flight), or null. */
    public Entry poll() {
        return poll(Set.of());
    }

    /**
     * The oldest record not yet handed out whose tag is not in {@code skipTags} (now counted in flight), or null.
     * Skipping a tag skips all its records, so each tag's records still come out oldest-first.
     */
    public Entry poll(Set<String> skipTags) {
        synchronized (index) {
            Entry e = closed ? null : unsent.first(skipTags);
            if (e == null) {
                return null;
            }
            unsent.remove(e);
            inFlight.put(e.key(), e);
            return e;
        }
    }

    /** True when {@link #poll(Set)} with these tags skipped would hand out a record. */
    public boolean hasUnsent(Set<String> skipTags) {
        synchronized (index) {
            return !closed && unsent.first(skipTags) != null;
        }
    }

    /** The payload of a record handed out by {@link #poll()}. Takes no lock: positional read. */
    public byte[] read(Entry e) throws IOException {
        checkOpen();
        FileChannel channel = files.channel(e.segment());
        if (channel == null) {
            throw new EvictedException();
        }
        try {
            return SegmentCodec.readPayload(channel, e.offset(), e.bodyLength());
        } catch (ClosedChannelException closedMeanwhile) {
            checkOpen();
            throw new EvictedException(); // evicted while it was read
        }
    }

    /**
     * The record was delivered: it is never handed out again, and its segment goes once all are delivered. Writes
     * the acknowledgement (and fsyncs per the policy): call it from the thread that does the spool's I/O, not from
     * a network callback.
     */
    public void ack(Entry e) throws IOException {
        synchronized (index) {
            if (closed || inFlight.remove(e.key()) == null) {
                return;
            }
            attempts.remove(e.key());
            if (orphans.remove(e.key())) {
                return; // its segment was evicted while it was in flight; it was delivered all the same
            }
            pendingBytes -= e.recordBytes();
        }
        io.lock();
        try {
            if (closed) {
                return; // not written: the record is sent again after a restart
            }
            files.acknowledge(e.segment(), e.offset());
        } finally {
            io.unlock();
        }
    }

    /** The record was not delivered: it is handed out again, in its place in the order. In memory only. */
    public void release(Entry e) {
        boolean lost;
        synchronized (index) {
            if (closed || inFlight.remove(e.key()) == null) {
                return;
            }
            lost = orphans.remove(e.key());
            if (lost) {
                attempts.remove(e.key());
            } else {
                unsent.add(e);
            }
        }
        if (lost) {
            evictor.lostInFlight(e);
        }
    }

    /** Failed delivery attempts of a record so far (0 for none), as counted by {@link #countAttempt}. */
    public int attempts(Entry e) {
        synchronized (index) {
            return attempts.getOrDefault(e.key(), 0);
        }
    }

    /**
     * Counts one more failed delivery attempt of a record in flight and returns the count. In memory only, so a
     * network callback may call it; {@link #saveAttempts} writes it down.
     */
    public int countAttempt(Entry e) {
        synchronized (index) {
            return attempts.merge(e.key(), 1, Integer::sum);
        }
    }

    /**
     * Writes a record's attempt count beside its segment (forced per the policy), so a restart goes on counting.
     * Nothing is written for a record acknowledged or evicted meanwhile. Call it from the thread that does the
     * spool's I/O.
     */
    public void saveAttempts(Entry e) throws IOException {
        int n;
        synchronized (index) {
            Integer count = attempts.get(e.key());
            if (closed || count == null) {
                return;
            }
            n = count;
        }
        io.lock();
        try {
            if (!closed) {
                files.recordAttempts(e.segment(), e.offset(), n);
            }
        } finally {
            io.unlock();
        }
    }

    /** Forces what was written to the disk (for the {@code INTERVAL} policy, called now and then). */
    public void flush() throws IOException {
        io.lock();
        try {
            if (!closed) {
                files.flush();
            }
        } finally {
            io.unlock();
        }
    }

    /** Whether an {@code INTERVAL} flush is due (the writer flushes when idle). */
    public boolean flushDue() {
        return files.flushDue();
    }

    /** Records not yet handed out. */
    public int unsentCount() {
        synchronized (index) {
            return unsent.size();
        }
    }

    /** Records stored and not acknowledged (waiting or in flight). */
    public int pendingCount() {
        synchronized (index) {
            return unsent.size() + inFlight.size() - orphans.size();
        }
    }

    /** Bytes of the records not yet acknowledged. */
    public long pendingBytes() {
        synchronized (index) {
            return pendingBytes;
        }
    }

    /** Bytes of the files in the folder (what {@code maxBytes} bounds). */
    public long diskBytes() {
        return files.diskBytes();
    }

    /** Records skipped because their CRC did not match (found when the spool was opened). */
    public long corruptRecords() {
        synchronized (index) {
            return corrupt;
        }
    }

    /** Records evicted by the size bound since the spool was opened. */
    public long evictedRecords() {
        return evictor.evictedRecords();
    }

    public Path dir() {
        return settings.dir();
    }

    /** The durability policy the spool was opened with. */
    public Fsync fsync() {
        return settings.fsync();
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("spool " + settings.dir() + " is closed");
        }
    }

    /** Flushes and closes; what was not acknowledged stays for the next {@link #open}. */
    @Override
    public void close() throws IOException {
        io.lock();
        try {
            if (closed) {
                return;
            }
            synchronized (index) {
                closed = true;
            }
            IOException first = files.closeAll();
            try {
                folderLock.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
            if (first != null) {
                throw first;
            }
        } finally {
            io.unlock();
        }
    }
}
