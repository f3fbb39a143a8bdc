package io.edgecascade.cascade.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file of fixed-size entries of 4-byte big-endian integers, only ever appended to: a segment's acknowledgements
 * (entries of one integer: the offset of a record delivered, {@code .ack}) and its attempt counts (entries of two:
 * offset and failed attempts so far, {@code .try}). Opened on the first append. Used under the spool's I/O lock.
 */
final class IntLog implements AutoCloseable {

    private final Path file;
    private final int entryBytes;
    private FileChannel channel;

    /** @param entryInts integers per entry */
    IntLog(Path file, int entryInts) {
        this.file = file;
        this.entryBytes = 4 * entryInts;
    }

    /**
     * Every whole entry of the file, flattened (none when it is missing); a torn last entry (a power cut mid-write)
     * is ignored.
     */
    static int[] read(Path file, int entryInts) throws IOException {
        if (!Files.exists(file)) {
            return new int[0];
        }
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(file));
        int[] values = new int[bb.remaining() / (4 * entryInts) * entryInts];
        for (int i = 0; i < values.length; i++) {
            values[i] = bb.getInt();
        }
        return values;
    }

    /** Appends one entry in one write; a torn entry left by an earlier run is cut off first, so entries stay aligned. */
    void append(int... entry) throws IOException {
        if (entry.length * 4 != entryBytes) {
            throw new IllegalArgumentException("an entry of this log has " + entryBytes / 4 + " integers");
        }
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long whole = channel.size() / entryBytes * entryBytes;
            channel.truncate(whole);
            channel.position(whole);
        }
        ByteBuffer b = ByteBuffer.allocate(entryBytes);
        for (int v : entry) {
            b.putInt(v);
        }
        b.flip();
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** The open channel, or null before the first {@link #append}. */
    FileChannel channel() {
        return channel;
    }

    /** Bytes of the file on disk. */
    long size() throws IOException {
        if (channel != null) {
            return channel.size();
        }
        return Files.exists(file) ? Files.size(file) : 0;
    }

    void delete() throws IOException {
        close();
        Files.deleteIfExists(file);
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
