package io.edgecascade.cascade.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of records given up (the forwarder's frames, a sink's messages), one JSON file each, named by the time it
 * was written so the names sort oldest first. A file is complete and forced to the disk (written beside, then renamed)
 * before the caller forgets the record. Bounded: beyond {@code maxBytes} the oldest files are deleted, each logged. Not
 * thread-safe: one thread writes.
 */
public final class DeadLetterFolder {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFolder.class);
    /** The suffix of a dead letter's file. */
    public static final String SUFFIX = ".json";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path dir;
    private final long maxBytes;
    private final String boundKey;
    private final Deque<Path> files = new ArrayDeque<>(); // oldest first
    private long bytes;
    private long written;
    private long deleted;

    private DeadLetterFolder(Path dir, long maxBytes, String boundKey) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.boundKey = boundKey;
    }

    /**
     * Opens (creating) the folder and takes stock of the files already there.
     *
     * @param dirKey   the config key naming the folder, for the message when it cannot be used
     * @param boundKey the config key of the bound, for the log line when old files are deleted
     * @throws IOException with a message naming the folder and the fix when it cannot be used
     */
    public static DeadLetterFolder open(Path dir, long maxBytes, String dirKey, String boundKey) throws IOException {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        DeadLetterFolder d = new DeadLetterFolder(dir, maxBytes, boundKey);
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) {
                throw new IOException("not writable");
            }
            for (Path f : files(dir)) {
                d.files.add(f);
                d.bytes += Files.size(f);
            }
        } catch (IOException e) {
            throw new IOException("cannot use the dead-letter folder " + dir + " (" + e.getMessage() + "); set "
                    + dirKey + " to a writable folder", e);
        }
        return d;
    }

    /**
     * Writes one dead letter, forced to the disk, and keeps the folder under its bound.
     *
     * @param name letters, digits and {@code ._-} are kept from it for the file's name (after the time)
     * @return the file
     */
    public Path write(String name, byte[] text) throws IOException {
        String base = STAMP.format(Instant.now()) + "-" + safe(name);
        Path file = dir.resolve(base + SUFFIX);
        for (int n = 1; Files.exists(file); n++) {
            file = dir.resolve(base + "-" + n + SUFFIX);
        }
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(text);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file);
        }
        forceFolder();
        files.add(file);
        bytes += text.length;
        written++;
        trim();
        return file;
    }

    /** Deletes the oldest files while the folder is over its bound (the newest file always stays). */
    private void trim() {
        while (bytes > maxBytes && files.size() > 1) {
            Path oldest = files.poll();
            try {
                long size = Files.size(oldest);
                Files.deleteIfExists(oldest);
                bytes -= size;
                deleted++;
                LOG.warn("dead-letter folder {} is over {} {}: deleted its oldest file {}", dir, boundKey, maxBytes,
                        oldest.getFileName());
            } catch (IOException e) {
                LOG.warn("dead-letter folder {}: cannot delete {} ({})", dir, oldest, e.getMessage());
                return;
            }
        }
    }

    /** Makes the new file's name durable (a directory fsync; not every file system allows it). */
    private void forceFolder() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the file itself is forced; on such systems its name becomes durable with the next metadata flush
        }
    }

    /** A name made of letters, digits, dots, dashes and underscores only. */
    private static String safe(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return t.length() > 120 ? t.substring(0, 120) : t;
    }

    /** The dead letters of a folder, oldest first (none when it does not exist). */
    public static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            ds.forEach(found::add);
        }
        found.sort(null);
        return found;
    }

    public Path dir() {
        return dir;
    }

    /** Dead letters written since the folder was opened. */
    public long written() {
        return written;
    }

    /** Files deleted to stay under the bound since the folder was opened. */
    public long deleted() {
        return deleted;
    }

    /** Bytes of the dead letters in the folder. */
    public long bytes() {
        return bytes;
    }
}
