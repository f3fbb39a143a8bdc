package io.edgecascade.cascade.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable FIFO of opaque records on disk: append-only segment files, a CRC32 per record, records handed out
 * oldest first and deleted only after {@link #ack}. It survives the process being killed (SIGKILL): on the next
 * {@link #open} every record that was written but not acknowledged is handed out again, a torn record at the
 * end of the last segment (the write the kill interrupted) is cut off, and records whose CRC does not match are
 * skipped and counted.
 *
 * <p>Layout of {@code dir}: {@code NNNNNNNNNNNNNNNN.seg} segments (records: magic, body length, CRC32 of the
 * body, body = tag length, tag, payload), and next to each an {@code .ack} file of the 4-byte offsets already
 * acknowledged, so a restart does not send them twice. A segment is deleted once every record in it is
 * acknowledged. When a new record would take the directory over {@code maxBytes}, the oldest segments are
 * evicted whole and each record lost is reported to the {@link EvictionListener} with its tag.
 *
 * <p>Thread-safe: the forwarder appends on one thread and acknowledges on gRPC threads.
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
    }

    private static final Logger LOG = LoggerFactory.getLogger(SpoolDirectory.class);
    private static final int MAGIC = 0x45435350; // "ECSP"
    private static final int HEADER = 12;
    private static final long FSYNC_INTERVAL_NANOS = 1_000_000_000L;
    private static final String SEGMENT_SUFFIX = ".seg";
    private static final String ACK_SUFFIX = ".ack";

    private static final class Segment {
        final long id;
        final Path file;
        final Path ackFile;
        final FileChannel channel;
        FileChannel acks;
        long size;
        int live;
        boolean sealed;

        Segment(long id, Path file, Path ackFile, FileChannel channel, long size) {
            this.id = id;
            this.file = file;
            this.ackFile = ackFile;
            this.channel = channel;
            this.size = size;
        }
    }

    private final Settings settings;
    private final EvictionListener evictions;
    private final LongSupplier nanoClock;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final TreeMap<Long, Entry> unsent = new TreeMap<>();
    private final Map<Long, Entry> inFlight = new HashMap<>();
    private final Set<Long> orphans = new HashSet<>();
    private final CRC32 crc = new CRC32();
    private Segment active;
    private long nextSegmentId;
    private long diskBytes;
    private long pendingBytes;
    private long corrupt;
    private long evicted;
    private long lastFsync;
    private boolean dirty;
    private boolean closed;

    private SpoolDirectory(Settings settings, EvictionListener evictions, LongSupplier nanoClock,
            FileChannel lockChannel, FileLock lock) {
        this.settings = settings;
        this.evictions = evictions;
        this.nanoClock = nanoClock;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.lastFsync = nanoClock.getAsLong();
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
        SpoolDirectory spool = new SpoolDirectory(settings, evictions, nanoClock, lockChannel, lock);
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
        if (!unsent.isEmpty()) {
            LOG.info("spool {}: {} positives ({} bytes) from an earlier run wait to be sent", settings.dir(),
                    unsent.size(), pendingBytes);
        }
    }

    private void load(long id, Path file, boolean last) throws IOException {
        Path ackFile = ackPath(id);
        Set<Integer> acked = readAcks(ackFile);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = ch.size();
        Segment seg = new Segment(id, file, ackFile, ch, size);
        seg.sealed = true;
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.BIG_ENDIAN);
        long pos = 0;
        long segCorrupt = 0;
        List<Entry> found = new ArrayList<>();
        while (pos < size) {
            header.clear();
            if (size - pos < HEADER || readFully(ch, header, pos) < HEADER) {
                break;
            }
            header.flip();
            int magic = header.getInt();
            int length = header.getInt();
            int expectedCrc = header.getInt();
            if (magic != MAGIC || length < 2 || length > size - pos - HEADER) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            readFully(ch, body, pos + HEADER);
            crc.reset();
            crc.update(body.array(), 0, length);
            if ((int) crc.getValue() != expectedCrc) {
                segCorrupt++;
            } else if (!acked.contains((int) pos)) {
                int tagLen = ((body.get(0) & 0xff) << 8) | (body.get(1) & 0xff);
                String tag = tagLen <= length - 2 ? new String(body.array(), 2, tagLen, StandardCharsets.UTF_8) : "";
                found.add(new Entry((id << 32) | pos, tag, length));
            }
            pos += HEADER + length;
        }
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
        if (segCorrupt > 0) {
            corrupt += segCorrupt;
            LOG.error("spool: {} records of {} failed their CRC check and are skipped", segCorrupt, file);
        }
        if (found.isEmpty()) {
            ch.close();
            Files.deleteIfExists(file);
            Files.deleteIfExists(ackFile);
            return;
        }
        for (Entry e : found) {
            unsent.put(e.key(), e);
            pendingBytes += HEADER + e.bodyLength();
        }
        seg.live = found.size();
        segments.put(id, seg);
        diskBytes += seg.size + (Files.exists(ackFile) ? Files.size(ackFile) : 0);
    }

    private static Set<Integer> readAcks(Path ackFile) throws IOException {
        Set<Integer> acked = new HashSet<>();
        if (!Files.exists(ackFile)) {
            return acked;
        }
        byte[] b = Files.readAllBytes(ackFile);
        ByteBuffer bb = ByteBuffer.wrap(b);
        while (bb.remaining() >= 4) { // a torn last offset (kill mid-write) is ignored: that record is resent
            acked.add(bb.getInt());
        }
        return acked;
    }

    private static int readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private Path segmentPath(long id) {
        return settings.dir().resolve(String.format("%016d", id) + SEGMENT_SUFFIX);
    }

    private Path ackPath(long id) {
        return settings.dir().resolve(String.format("%016d", id) + ACK_SUFFIX);
    }

    /**
     * Appends a record (durable per the fsync policy when this returns). Evicts the oldest segments first when
     * the record would take the folder over its bound.
     *
     * @return false when the record alone is larger than the bound (it is not stored, and counted as evicted)
     */
    public synchronized boolean append(String tag, byte[] payload) throws IOException {
        checkOpen();
        byte[] tagBytes = tag.getBytes(StandardCharsets.UTF_8);
        if (tagBytes.length > 0xffff) {
            throw new IllegalArgumentException("tag too long");
        }
        int length = 2 + tagBytes.length + payload.length;
        long recordBytes = HEADER + (long) length;
        if (recordBytes > settings.maxBytes()) {
            evicted++;
            evictions.evicted(tag);
            LOG.warn("spool: a {}-byte record does not fit in spool.max_bytes {}; it is dropped", recordBytes,
                    settings.maxBytes());
            return false;
        }
        while (diskBytes + recordBytes > settings.maxBytes() && !segments.isEmpty()) {
            evictOldest();
        }
        if (active == null) {
            long id = nextSegmentId++;
            Path f = segmentPath(id);
            FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            active = new Segment(id, f, ackPath(id), ch, 0);
            segments.put(id, active);
        }
        ByteBuffer buf = ByteBuffer.allocate(HEADER + length);
        crc.reset();
        crc.update(new byte[] {(byte) (tagBytes.length >>> 8), (byte) tagBytes.length});
        crc.update(tagBytes);
        crc.update(payload);
        buf.putInt(MAGIC).putInt(length).putInt((int) crc.getValue());
        buf.putShort((short) tagBytes.length).put(tagBytes).put(payload).flip();
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
        active.size += recordBytes;
        active.live++;
        diskBytes += recordBytes;
        pendingBytes += recordBytes;
        Entry e = new Entry((active.id << 32) | pos, tag, length);
        unsent.put(e.key(), e);
        dirty = true;
        syncIfDue(active.channel);
        if (active.size >= settings.segmentBytes()) {
            seal(active);
        }
        return true;
    }

    private void seal(Segment s) throws IOException {
        s.sealed = true;
        if (s == active) {
            active = null;
        }
        if (settings.fsync() != Fsync.NEVER) {
            s.channel.force(false);
        }
    }

    private void evictOldest() throws IOException {
        Segment oldest = segments.firstEntry().getValue();
        long lo = oldest.id << 32;
        long hi = (oldest.id + 1) << 32;
        var lost = unsent.subMap(lo, hi);
        for (Entry e : lost.values()) {
            evicted++;
            pendingBytes -= HEADER + e.bodyLength();
            evictions.evicted(e.tag());
        }
        int count = lost.size();
        lost.clear();
        for (Entry e : inFlight.values()) {
            if (e.segment() == oldest.id) {
                orphans.add(e.key()); // its outcome decides: acked = delivered, released = evicted
            }
        }
        LOG.warn("spool: full (spool.max_bytes {}): evicted {} with {} unsent positives", settings.maxBytes(),
                oldest.file.getFileName(), count);
        delete(oldest);
    }

    private void delete(Segment s) throws IOException {
        segments.remove(s.id);
        if (s == active) {
            active = null;
        }
        s.channel.close();
        long ackSize = 0;
        if (s.acks != null) {
            ackSize = s.acks.size();
            s.acks.close();
        } else if (Files.exists(s.ackFile)) {
            ackSize = Files.size(s.ackFile);
        }
        diskBytes -= s.size + ackSize;
        Files.deleteIfExists(s.file);
        Files.deleteIfExists(s.ackFile);
    }

    /** The oldest record not yet handed out (now counted in flight), or null. */
    public synchronized Entry poll() {
        return poll(java.util.Set.of());
    }

    /**
     * The oldest record not yet handed out whose tag is not in {@code skipTags} (now counted in flight), or null.
     * Skipping a tag skips all its records, so each tag's records still come out oldest-first.
     */
    public synchronized Entry poll(java.util.Set<String> skipTags) {
        Entry e = firstUnsent(skipTags);
        if (e == null) {
            return null;
        }
        unsent.remove(e.key());
        inFlight.put(e.key(), e);
        return e;
    }

    /** True when {@link #poll(java.util.Set)} with these tags skipped would hand out a record. */
    public synchronized boolean hasUnsent(java.util.Set<String> skipTags) {
        return firstUnsent(skipTags) != null;
    }

    private Entry firstUnsent(java.util.Set<String> skipTags) {
        if (closed) {
            return null;
        }
        for (Entry e : unsent.values()) {
            if (!skipTags.contains(e.tag())) {
                return e;
            }
        }
        return null;
    }

    /** The payload of a record handed out by {@link #poll()}. */
    public synchronized byte[] read(Entry e) throws IOException {
        checkOpen();
        Segment s = segments.get(e.segment());
        if (s == null) {
            throw new EvictedException();
        }
        ByteBuffer body = ByteBuffer.allocate(e.bodyLength());
        if (readFully(s.channel, body, e.offset() + (long) HEADER) < e.bodyLength()) {
            throw new IOException("spool record is truncated in " + s.file);
        }
        byte[] b = body.array();
        int tagLen = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        byte[] payload = new byte[e.bodyLength() - 2 - tagLen];
        System.arraycopy(b, 2 + tagLen, payload, 0, payload.length);
        return payload;
    }

    /** The record was delivered: it is never handed out again, and its segment goes once all are delivered. */
    public synchronized void ack(Entry e) throws IOException {
        if (closed || inFlight.remove(e.key()) == null) {
            return;
        }
        if (orphans.remove(e.key())) {
            return; // its segment was evicted while it was in flight; it was delivered all the same
        }
        pendingBytes -= HEADER + e.bodyLength();
        Segment s = segments.get(e.segment());
        if (s == null) {
            return;
        }
        s.live--;
        if (s.live == 0) {
            delete(s);
            return;
        }
        if (s.acks == null) {
            s.acks = FileChannel.open(s.ackFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        ByteBuffer b = ByteBuffer.allocate(4).putInt(e.offset()).flip();
        while (b.hasRemaining()) {
            s.acks.write(b);
        }
        diskBytes += 4;
        dirty = true;
        syncIfDue(s.acks);
    }

    /** The record was not delivered: it is handed out again, in its place in the order. */
    public synchronized void release(Entry e) {
        if (closed || inFlight.remove(e.key()) == null) {
            return;
        }
        if (orphans.remove(e.key())) {
            evicted++;
            pendingBytes -= HEADER + e.bodyLength();
            evictions.evicted(e.tag());
            return;
        }
        unsent.put(e.key(), e);
    }

    private void syncIfDue(FileChannel ch) throws IOException {
        switch (settings.fsync()) {
            case ALWAYS -> ch.force(false);
            case INTERVAL -> {
                long now = nanoClock.getAsLong();
                if (now - lastFsync >= FSYNC_INTERVAL_NANOS) {
                    forceAll();
                    lastFsync = now;
                }
            }
            case NEVER -> {
            }
        }
    }

    private void forceAll() throws IOException {
        if (!dirty) {
            return;
        }
        for (Segment s : segments.values()) {
            if (!s.sealed || s == active) {
                s.channel.force(false);
            }
            if (s.acks != null) {
                s.acks.force(false);
            }
        }
        dirty = false;
    }

    /** Forces what was written to the disk (for the {@code INTERVAL} policy, called now and then). */
    public synchronized void flush() throws IOException {
        if (!closed && settings.fsync() != Fsync.NEVER) {
            forceAll();
            lastFsync = nanoClock.getAsLong();
        }
    }

    /** Records not yet handed out. */
    public synchronized int unsentCount() {
        return unsent.size();
    }

    /** Records stored and not acknowledged (waiting or in flight). */
    public synchronized int pendingCount() {
        return unsent.size() + inFlight.size() - orphans.size();
    }

    /** Bytes of the records not yet acknowledged. */
    public synchronized long pendingBytes() {
        return pendingBytes;
    }

    /** Bytes of the files in the folder (what {@code maxBytes} bounds). */
    public synchronized long diskBytes() {
        return diskBytes;
    }

    /** Records skipped because their CRC did not match (found when the spool was opened). */
    public synchronized long corruptRecords() {
        return corrupt;
    }

    /** Records evicted by the size bound since the spool was opened. */
    public synchronized long evictedRecords() {
        return evicted;
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
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        for (Segment s : segments.values()) {
            try {
                if (settings.fsync() != Fsync.NEVER) {
                    s.channel.force(false);
                }
                s.channel.close();
                if (s.acks != null) {
                    if (settings.fsync() != Fsync.NEVER) {
                        s.acks.force(false);
                    }
                    s.acks.close();
                }
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
    }
}
