package io.edgecascade.cascade.spool;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
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
 * {@code .ack} file ({@link AckLog}). A segment is deleted once every record in it is acknowledged. When a new
 * record would take the directory over {@code maxBytes}, the oldest segments are evicted whole and each record
 * lost is reported to the {@link EvictionListener} with its tag.
 *
 * <p>Thread-safe, with two locks so that a slow disk stalls only the thread writing: the <em>index</em> lock
 * guards the in-memory state ({@link TagIndex} of the records waiting, records in flight, counters) and is never
 * held during I/O; the <em>I/O</em> lock orders appends, acknowledgement writes, evictions and fsyncs
 * ({@link SyncPolicy}). {@link #poll}, {@link #release}, {@link #hasUnsent} and the counts take only the index
 * lock; {@link #read} takes neither (positional reads).
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
     * @param dir          the spool folder (created when missing)
     * @param maxBytes     bound of the files in the folder; the oldest segments are evicted beyond it
     * @param fsync        durability policy
     * @param segmentBytes a segment is closed and a new one started once it reaches this size
     */
    public record Settings(Path dir, long maxBytes, Fsync fsync, long segmentBytes) {
        public Settings {
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxBytes must be positive");
            }
            if (segmentBytes < 1) {
                throw new IllegalArgumentException("segmentBytes must be positive");
            }
        }

        /** Segments of an eighth of the bound (16 KiB .. 64 MiB), so eviction loses a small part at a time. */
        public static Settings of(Path dir, long maxBytes, Fsync fsync) {
            return new Settings(dir, maxBytes, fsync, Math.max(16 << 10, Math.min(64L << 20, maxBytes / 8)));
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
    private static final String SEGMENT_SUFFIX = ".seg";
    private static final String ACK_SUFFIX = ".ack";

    /** One segment file; its fields change under the I/O lock only. */
    private static final class Segment {
        final long id;
        final Path file;
        final FileChannel channel;
        final AckLog acks;
        long size;
        int live;
        boolean sealed;

        Segment(long id, Path file, FileChannel channel, AckLog acks, long size) {
            this.id = id;
            this.file = file;
            this.channel = channel;
            this.acks = acks;
            this.size = size;
        }
    }

    private final Settings settings;
    private final EvictionListener evictions;
    private final SyncPolicy sync;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final SegmentCodec codec = new SegmentCodec(); // I/O lock
    private final ReentrantLock io = new ReentrantLock();
    private final Object index = new Object();
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();

    // guarded by index
    private final TagIndex unsent = new TagIndex();
    private final Map<Long, Entry> inFlight = new HashMap<>();
    private final Set<Long> orphans = new HashSet<>();
    private long pendingBytes;
    private long corrupt;
    private long evicted;

    // guarded by io
    private Segment active;
    private long nextSegmentId;
    private volatile long diskBytes;
    private boolean dirty;
    private volatile boolean closed;

    private SpoolDirectory(Settings settings, EvictionListener evictions, SyncPolicy sync, FileChannel lockChannel,
            FileLock lock) {
        this.settings = settings;
        this.evictions = evictions;
        this.sync = sync;
        this.lockChannel = lockChannel;
        this.lock = lock;
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
        Path dir = settings.dir();
        FileChannel lockChannel;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            throw new IOException("spool folder " + dir + " is not writable (permission denied on " + e.getFile()
                    + "); set spool.dir to a folder this user can write", e);
        } catch (IOException e) {
            throw new IOException("spool folder " + dir + " cannot be used (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); set spool.dir to a writable folder", e);
        }
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this very process
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("spool folder " + dir + " is in use by another edge-cascade process; give each"
                    + " agent its own spool.dir");
        }
        SpoolDirectory spool = new SpoolDirectory(settings, evictions,
                new SyncPolicy(settings.fsync(), nanoClock, forcer), lockChannel, lock);
        try {
            spool.recover();
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    private void recover() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(settings.dir(), "*" + SEGMENT_SUFFIX)) {
            ds.forEach(files::add);
        }
        files.sort(null);
        io.lock();
        try {
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i);
                String name = f.getFileName().toString();
                long id;
                try {
                    id = Long.parseLong(name.substring(0, name.length() - SEGMENT_SUFFIX.length()));
                } catch (NumberFormatException e) {
                    LOG.warn("spool: ignoring {} (not a segment name)", f);
                    continue;
                }
                nextSegmentId = Math.max(nextSegmentId, id + 1);
                load(id, f, i == files.size() - 1);
            }
        } finally {
            io.unlock();
        }
        synchronized (index) {
            if (!unsent.isEmpty()) {
                LOG.info("spool {}: {} positives ({} bytes) from an earlier run wait to be sent", settings.dir(),
                        unsent.size(), pendingBytes);
            }
        }
    }

    private void load(long id, Path file, boolean last) throws IOException {
        Path ackFile = ackPath(id);
        Set<Integer> acked = AckLog.read(ackFile);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = ch.size();
        Segment seg = new Segment(id, file, ch, new AckLog(ackFile), size);
        seg.sealed = true;
        SegmentCodec.Scan scan = codec.scan(ch);
        long segCorrupt = 0;
        List<Entry> found = new ArrayList<>();
        for (SegmentCodec.Found r : scan.records()) {
            if (!r.intact()) {
                segCorrupt++;
            } else if (!acked.contains(r.offset())) {
                found.add(new Entry((id << 32) | r.offset(), r.tag(), r.bodyLength()));
            }
        }
        long pos = scan.end();
        if (pos < size) {
            if (last) {
                LOG.warn("spool: cutting off {} bytes of an unfinished record at the end of {} (the previous run"
                        + " stopped while writing it)", size - pos, file);
                ch.truncate(pos);
                seg.size = pos;
            } else {
                segCorrupt++;
                LOG.error("spool: {} is damaged after byte {}; the rest of it ({} bytes) cannot be read", file,
                        pos, size - pos);
            }
        }
        if (found.isEmpty()) {
            ch.close();
            Files.deleteIfExists(file);
            Files.deleteIfExists(ackFile);
        }
        synchronized (index) {
            if (segCorrupt > 0) {
                corrupt += segCorrupt;
                LOG.error("spool: {} records of {} failed their CRC check and are skipped", segCorrupt, file);
            }
            for (Entry e : found) {
                unsent.add(e);
                pendingBytes += e.recordBytes();
            }
        }
        if (!found.isEmpty()) {
            seg.live = found.size();
            segments.put(id, seg);
            diskBytes += seg.size + seg.acks.size();
        }
    }

    private Path segmentPath(long id) {
        return settings.dir().resolve(String.format("%016d", id) + SEGMENT_SUFFIX);
    }

    private Path ackPath(long id) {
        return settings.dir().resolve(String.format("%016d", id) + ACK_SUFFIX);
    }

    /**
     * Appends a record (durable per the fsync policy when this returns). Evicts the oldest segments first when
     * the record would take the folder over its bound. Lookups and reads of other threads go on meanwhile.
     *
     * @return false when the record alone is larger than the bound (it is not stored, and counted as evicted)
     */
    public boolean append(String tag, byte[] payload) throws IOException {
        byte[] tagBytes = tag.getBytes(StandardCharsets.UTF_8);
        if (tagBytes.length > 0xffff) {
            throw new IllegalArgumentException("tag too long");
        }
        long recordBytes = SegmentCodec.recordBytes(tagBytes, payload.length);
        if (recordBytes > settings.maxBytes()) {
            synchronized (index) {
                evicted++;
            }
            evictions.evicted(tag);
            LOG.warn("spool: a {}-byte record does not fit in spool.max_bytes {}; it is dropped", recordBytes,
                    settings.maxBytes());
            return false;
        }
        io.lock();
        try {
            checkOpen();
            while (diskBytes + recordBytes > settings.maxBytes() && !segments.isEmpty()) {
                evictOldest();
            }
            if (active == null) {
                long id = nextSegmentId++;
                Path f = segmentPath(id);
                FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                active = new Segment(id, f, ch, new AckLog(ackPath(id)), 0);
                segments.put(id, active);
            }
            var buf = codec.encode(tagBytes, payload);
            long pos = active.size;
            try {
                while (buf.hasRemaining()) {
                    active.channel.write(buf, pos + buf.position());
                }
            } catch (IOException e) {
                // Leave no half record behind: the next append starts at the same offset.
                try {
                    active.channel.truncate(pos);
                } catch (IOException ignored) {
                    // the recovery scan cuts a torn tail anyway
                }
                throw e;
            }
            Segment s = active;
            s.size += recordBytes;
            s.live++;
            diskBytes += recordBytes;
            dirty = true;
            sync.written(s.channel, this::forceAll);
            if (s.size >= settings.segmentBytes()) {
                s.sealed = true;
                active = null;
                sync.finished(s.channel);
            }
            // published only once durable per the policy: the sender never sends what a power loss would lose
            synchronized (index) {
                unsent.add(new Entry((s.id << 32) | pos, tag, (int) (recordBytes - SegmentCodec.HEADER)));
                pendingBytes += recordBytes;
            }
            return true;
        } finally {
            io.unlock();
        }
    }

    /** Evicts the oldest segment whole (I/O lock held). */
    private void evictOldest() throws IOException {
        Segment oldest = segments.firstEntry().getValue();
        List<Entry> lost;
        synchronized (index) {
            lost = unsent.removeSegment(oldest.id);
            for (Entry e : lost) {
                evicted++;
                pendingBytes -= e.recordBytes();
            }
            for (Entry e : inFlight.values()) {
                if (e.segment() == oldest.id) {
                    orphans.add(e.key()); // its outcome decides: acked = delivered, released = evicted
                }
            }
        }
        for (Entry e : lost) {
            evictions.evicted(e.tag());
        }
        LOG.warn("spool: full (spool.max_bytes {}): evicted {} with {} unsent positives", settings.maxBytes(),
                oldest.file.getFileName(), lost.size());
        delete(oldest);
    }

    /** Deletes a segment's files (I/O lock held). */
    private void delete(Segment s) throws IOException {
        segments.remove(s.id);
        if (s == active) {
            active = null;
        }
        s.channel.close();
        long ackSize = s.acks.size();
        diskBytes -= s.size + ackSize;
        s.acks.delete();
        Files.deleteIfExists(s.file);
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
        Segment s = segments.get(e.segment());
        if (s == null) {
            throw new EvictedException();
        }
        try {
            return SegmentCodec.readPayload(s.channel, e.offset(), e.bodyLength());
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
            Segment s = segments.get(e.segment());
            if (s == null) {
                return;
            }
            s.live--;
            if (s.live == 0) {
                delete(s);
                return;
            }
            s.acks.append(e.offset());
            diskBytes += 4;
            dirty = true;
            sync.written(s.acks.channel(), this::forceAll);
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
                evicted++;
                pendingBytes -= e.recordBytes();
            } else {
                unsent.add(e);
            }
        }
        if (lost) {
            evictions.evicted(e.tag());
        }
    }

    /** Forces every file written since the last force (I/O lock held). */
    private void forceAll() throws IOException {
        if (!dirty) {
            return;
        }
        for (Segment s : segments.values()) {
            if (!s.sealed) {
                sync.finished(s.channel);
            }
            if (s.acks.channel() != null) {
                sync.finished(s.acks.channel());
            }
        }
        dirty = false;
    }

    /** Forces what was written to the disk (for the {@code INTERVAL} policy, called now and then). */
    public void flush() throws IOException {
        io.lock();
        try {
            if (!closed) {
                sync.flush(this::forceAll);
            }
        } finally {
            io.unlock();
        }
    }

    /** Whether an {@code INTERVAL} flush is due (the writer flushes when idle). */
    public boolean flushDue() {
        return sync.due() && dirty;
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
        return diskBytes;
    }

    /** Records skipped because their CRC did not match (found when the spool was opened). */
    public long corruptRecords() {
        synchronized (index) {
            return corrupt;
        }
    }

    /** Records evicted by the size bound since the spool was opened. */
    public long evictedRecords() {
        synchronized (index) {
            return evicted;
        }
    }

    public Path dir() {
        return settings.dir();
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
            IOException first = null;
            for (Segment s : segments.values()) {
                try {
                    sync.finished(s.channel);
                    s.channel.close();
                    if (s.acks.channel() != null) {
                        sync.finished(s.acks.channel());
                    }
                    s.acks.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
            try {
                lock.release();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
            lockChannel.close();
            if (first != null) {
                throw first;
            }
        } finally {
            io.unlock();
        }
    }
}
