package io.edgecascade.cascade.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The layout of one record in a segment file: magic, body length, CRC32 of the body (12 bytes, big-endian), then
 * the body = tag length (2 bytes), tag (UTF-8), payload. Stateless apart from the CRC scratch; one per thread.
 */
final class SegmentCodec {

    static final int MAGIC = 0x45435350; // "ECSP"
    static final int HEADER = 12;

    /** A record found by {@link #scan}: its offset, tag and body length, and whether its CRC matched. */
    record Found(int offset, String tag, int bodyLength, boolean intact) {
    }

    /** What {@link #scan} found: the records, and where the readable part of the file ends. */
    record Scan(List<Found> records, long end) {
    }

    private final CRC32 crc = new CRC32();

    /** Bytes a record of this tag and payload takes in a segment. */
    static long recordBytes(byte[] tag, int payloadLength) {
        return HEADER + 2L + tag.length + payloadLength;
    }

    /** The record ready to be written. */
    ByteBuffer encode(byte[] tag, byte[] payload) {
        if (tag.length > 0xffff) {
            throw new IllegalArgumentException("tag too long");
        }
        int length = 2 + tag.length + payload.length;
        ByteBuffer buf = ByteBuffer.allocate(HEADER + length).order(ByteOrder.BIG_ENDIAN);
        crc.reset();
        crc.update(new byte[] {(byte) (tag.length >>> 8), (byte) tag.length});
        crc.update(tag);
        crc.update(payload);
        buf.putInt(MAGIC).putInt(length).putInt((int) crc.getValue());
        buf.putShort((short) tag.length).put(tag).put(payload).flip();
        return buf;
    }

    /** Reads every record of a segment from the start; stops at the first header that does not parse. */
    Scan scan(FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.BIG_ENDIAN);
        long pos = 0;
        List<Found> found = new ArrayList<>();
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
            boolean intact = (int) crc.getValue() == expectedCrc;
            int tagLen = ((body.get(0) & 0xff) << 8) | (body.get(1) & 0xff);
            String tag = intact && tagLen <= length - 2
                    ? new String(body.array(), 2, tagLen, StandardCharsets.UTF_8) : "";
            found.add(new Found((int) pos, tag, length, intact));
            pos += HEADER + length;
        }
        return new Scan(found, pos);
    }

    /** The payload of the record at {@code offset} whose body is {@code bodyLength} bytes. */
    static byte[] readPayload(FileChannel ch, int offset, int bodyLength) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(bodyLength);
        if (readFully(ch, body, offset + (long) HEADER) < bodyLength) {
            throw new IOException("spool record is truncated");
        }
        byte[] b = body.array();
        int tagLen = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        byte[] payload = new byte[bodyLength - 2 - tagLen];
        System.arraycopy(b, 2 + tagLen, payload, 0, payload.length);
        return payload;
    }

    /** Positional read (safe beside other threads' positional reads and writes of the same channel). */
    static int readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
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
}
