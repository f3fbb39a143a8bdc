package io.edgecascade.cascade.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool's segment files on disk: loading them at open (cutting a torn tail, counting damaged records), the
 * active segment records are appended to, acknowledgements ({@code .ack}) and attempt counts ({@code .try}) beside
 * each segment ({@link IntLog}), deletion of a segment once it is done or evicted, and forcing what was written
 * ({@link SyncPolicy}). Tracks the bytes of the folder's files.
 *
 * <p>Not a lock of its own: every method but {@link #channel} and {@link #diskBytes} runs with the spool's I/O lock
 * held. {@link #channel} is lock-free (the segment map is concurrent) so that reads take no lock.
 */
final class SegmentFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentFiles.class);
    private static final String SEGMENT_SUFFIX = ".seg";
    private static final String ACK_SUFFIX = ".ack";
    private static final String ATTEMPTS_SUFFIX = ".try";

    /** One segment file; its fields change under the I/O lock only. */
    static final class Segment {
        final long id;
        final Path file;
        final FileChannel channel;
        final IntLog acks;
        final IntLog attempts;
        long size;
        int live;
        boolean sealed;

        Segment(long id, Path file, FileChannel channel, IntLog acks, IntLog attempts, long size) {
            this.id = id;
            this.file = file;
            this.channel = channel;
            this.acks = acks;
            this.attempts = attempts;
            this.size = size;
        }

        long sideFileBytes() throws IOException {
            return acks.size() + attempts.size();
        }
    }

    /**
     * What opening one segment found: the records not yet acknowledged, the failed attempts of those that have any
     * (by record key), and how many records were damaged.
     */
    record Loaded(Path file, List<SpoolDirectory.Entry> unacked, Map<Long, Integer> attempts, long corrupt) {
    }

    /** Told about each segment loaded at open. */
    @FunctionalInterface
    interface LoadSink {
        void loaded(Loaded segment);
    }

    private final Path dir;
    private final LongSupplier segmentBytes;
    private final SyncPolicy sync;
    private final SegmentCodec codec = new SegmentCodec();
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private Segment active;
    private long activeLimit;
    private long nextSegmentId;
    private volatile long diskBytes;
    private boolean dirty;

    /** Segments sealed at a fixed size. */
    SegmentFiles(Path dir, long segmentBytes, SyncPolicy sync) {
        this(dir, () -> segmentBytes, sync);
    }

    /**
     * @param segmentBytes the size at which a segment is sealed, asked once as each segment starts (the spool
     *                     sizes segments by the room it has: {@link SpoolEvictor#segmentBytes})
     */
    SegmentFiles(Path dir, LongSupplier segmentBytes, SyncPolicy sync) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.sync = sync;
    }

    /** Loads every segment in the folder, oldest first; a segment with nothing left unacknowledged is deleted. */
    void load(LoadSink sink) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SEGMENT_SUFFIX)) {
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
            load(id, f, i == files.size() - 1, sink);
        }
    }

    private void load(long id, Path file, boolean last, LoadSink sink) throws IOException {
        Path ackFile = ackPath(id);
        Path attemptsFile = attemptsPath(id);
        Set<Integer> acked = new HashSet<>();
        for (int offset : IntLog.read(ackFile, 1)) {
            acked.add(offset);
        }
        Map<Integer, Integer> tries = new HashMap<>(); // offset -> failed attempts; the last entry of an offset counts
        int[] pairs = IntLog.read(attemptsFile, 2);
        for (int i = 0; i < pairs.length; i += 2) {
            tries.put(pairs[i], pairs[i + 1]);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = ch.size();
        Segment seg = new Segment(id, file, ch, new IntLog(ackFile, 1), new IntLog(attemptsFile, 2), size);
        seg.sealed = true;
        SegmentCodec.Scan scan = codec.scan(ch);
        long segCorrupt = 0;
        List<SpoolDirectory.Entry> found = new ArrayList<>();
        Map<Long, Integer> attempts = new HashMap<>();
        for (SegmentCodec.Found r : scan.records()) {
            if (!r.intact()) {
                segCorrupt++;
            } else if (!acked.contains(r.offset())) {
                long key = (id << 32) | r.offset();
                found.add(new SpoolDirectory.Entry(key, r.tag(), r.bodyLength()));
                Integer n = tries.get(r.offset());
                if (n != null && n > 0) {
                    attempts.put(key, n);
                }
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
            Files.deleteIfExists(attemptsFile);
        }
        sink.loaded(new Loaded(file, found, attempts, segCorrupt));
        if (!found.isEmpty()) {
            seg.live = found.size();
            segments.put(id, seg);
            diskBytes += seg.size + seg.sideFileBytes();
        }
    }

    private Path segmentPath(long id) {
        return dir.resolve(String.format("%016d", id) + SEGMENT_SUFFIX);
    }

    private Path ackPath(long id) {
        return dir.resolve(String.format("%016d", id) + ACK_SUFFIX);
    }

    private Path attemptsPath(long id) {
        return dir.resolve(String.format("%016d", id) + ATTEMPTS_SUFFIX);
    }

    /**
     * Writes one encoded record at the end of the active segment (starting one when there is none), forced per
     * the policy; the segment is sealed once it reaches the segment size.
     *
     * @return the record's key: segment id in the high 32 bits, offset in the low
     */
    long append(byte[] tag, byte[] payload) throws IOException {
        if (active == null) {
            long id = nextSegmentId++;
            Path f = segmentPath(id);
            FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            active = new Segment(id, f, ch, new IntLog(ackPath(id), 1), new IntLog(attemptsPath(id), 2), 0);
            activeLimit = segmentBytes.getAsLong();
            segments.put(id, active);
        }
        ByteBuffer record = codec.encode(tag, payload);
        long recordBytes = record.remaining();
        long pos = active.size;
        try {
            while (record.hasRemaining()) {
                active.channel.write(record, pos + record.position());
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
        if (s.size >= activeLimit) {
            s.sealed = true;
            active = null;
            sync.finished(s.channel);
        }
        return (s.id << 32) | pos;
    }

    /**
     * One record of a segment was delivered: the segment is deleted when it was its last, else the
     * acknowledgement is written (forced per the policy). Nothing happens when the segment is gone (evicted).
     */
    void acknowledge(long segmentId, int offset) throws IOException {
        Segment s = segments.get(segmentId);
        if (s == null) {
            return;
        }
        s.live--;
        if (s.live == 0) {
            delete(s);
            return;
        }
        s.acks.append(offset);
        diskBytes += 4;
        dirty = true;
        sync.written(s.acks.channel(), this::forceAll);
    }

    /**
     * Notes how many times a record's delivery failed (forced per the policy), so a restart goes on counting.
     * Nothing happens when the segment is gone.
     */
    void recordAttempts(long segmentId, int offset, int attempts) throws IOException {
        Segment s = segments.get(segmentId);
        if (s == null) {
            return;
        }
        s.attempts.append(offset, attempts);
        diskBytes += 8;
        dirty = true;
        sync.written(s.attempts.channel(), this::forceAll);
    }

    /** The channel of a segment still on disk, or null when it is gone. Lock-free. */
    FileChannel channel(long segmentId) {
        Segment s = segments.get(segmentId);
        return s == null ? null : s.channel;
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    /** The oldest segment on disk (there must be one). */
    Segment oldest() {
        return segments.firstEntry().getValue();
    }

    /** Deletes a segment's files. */
    void delete(Segment s) throws IOException {
        segments.remove(s.id);
        if (s == active) {
            active = null;
        }
        s.channel.close();
        diskBytes -= s.size + s.sideFileBytes();
        s.acks.delete();
        s.attempts.delete();
        Files.deleteIfExists(s.file);
    }

    /** Forces every file written since the last force. */
    private void forceAll() throws IOException {
        if (!dirty) {
            return;
        }
        for (Segment s : segments.values()) {
            if (!s.sealed) {
                sync.finished(s.channel);
            }
            for (IntLog side : List.of(s.acks, s.attempts)) {
                if (side.channel() != null) {
                    sync.finished(side.channel());
                }
            }
        }
        dirty = false;
    }

    /** Forces what was written (the {@code INTERVAL} policy's periodic flush). */
    void flush() throws IOException {
        sync.flush(this::forceAll);
    }

    /** Whether an {@code INTERVAL} flush is due. */
    boolean flushDue() {
        return sync.due() && dirty;
    }

    /** Bytes of the files in the folder. Lock-free. */
    long diskBytes() {
        return diskBytes;
    }

    /** Forces and closes every segment; the first failure is returned once all were tried. */
    IOException closeAll() {
        IOException first = null;
        for (Segment s : segments.values()) {
            try {
                sync.finished(s.channel);
                s.channel.close();
                for (IntLog side : List.of(s.acks, s.attempts)) {
                    if (side.channel() != null) {
                        sync.finished(side.channel());
                    }
                    side.close();
                }
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        return first;
    }
}
