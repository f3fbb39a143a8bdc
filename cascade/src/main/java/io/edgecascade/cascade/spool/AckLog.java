package io.edgecascade.cascade.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * A segment's acknowledgements: the 4-byte offsets of its records already delivered, appended as they come, so
 * a restart does not send them twice. Opened on the first acknowledgement. Used under the spool's I/O lock.
 */
final class AckLog implements AutoCloseable {

    private final Path file;
    private FileChannel channel;

    AckLog(Path file) {
        this.file = file;
    }

    /** The offsets acknowledged in an earlier run; a torn last offset (kill mid-write) is ignored: resent. */
    static Set<Integer> read(Path file) throws IOException {
        Set<Integer> acked = new HashSet<>();
        if (!Files.exists(file)) {
            return acked;
        }
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(file));
        while (bb.remaining() >= 4) {
            acked.add(bb.getInt());
        }
        return acked;
    }

    /** Appends one offset (4 bytes on disk). */
    void append(int offset) throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        ByteBuffer b = ByteBuffer.allocate(4).putInt(offset).flip();
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
