package io.edgecascade.cascade.forward;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.edgecascade.cascade.forward.spool.SpooledPositive;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One positive as it waits in the spool: its idempotency id, where it came from, the edge's detections (JSON)
 * and the JPEG-encoded frame. Stored as a version byte and a {@link SpooledPositive} protobuf message (version 2);
 * version 1 records (a DataOutputStream layout) of older spools are still read.
 */
public record ForwardItem(String id, String camera, long sequence, long ptsMillis, long capturedMillis,
        String detectionsJson, byte[] jpeg) {

    static final int VERSION_1 = 1;
    static final int VERSION = 2;

    /**
     * The request id: stable for this frame across retries and restarts (it is stored with the frame), unique
     * across runs because the capture time is part of it.
     */
    static String idOf(String camera, long sequence, long ptsMillis, long capturedMillis) {
        return camera + ":" + sequence + ":" + ptsMillis + ":" + capturedMillis;
    }

    /** The record as the spool stores it (the current version). */
    public byte[] toBytes() {
        byte[] message = SpooledPositive.newBuilder().setId(id).setCamera(camera).setSequence(sequence)
                .setPtsMs(ptsMillis).setCapturedMs(capturedMillis).setDetectionsJson(detectionsJson)
                .setJpeg(ByteString.copyFrom(jpeg)).build().toByteArray();
        byte[] out = new byte[1 + message.length];
        out[0] = VERSION;
        System.arraycopy(message, 0, out, 1, message.length);
        return out;
    }

    /**
     * Reads a spooled record of either version.
     *
     * @throws IOException when the bytes are not a record (the record's own fault: it can never be sent)
     */
    public static ForwardItem fromBytes(byte[] b) throws IOException {
        if (b.length == 0) {
            throw new IOException("empty spool record");
        }
        return switch (b[0]) {
            case VERSION -> fromMessage(b);
            case VERSION_1 -> fromVersion1(b);
            default -> throw new IOException("spool record of unknown version " + (b[0] & 0xff));
        };
    }

    private static ForwardItem fromMessage(byte[] b) throws IOException {
        try {
            SpooledPositive p = SpooledPositive.parseFrom(Arrays.copyOfRange(b, 1, b.length));
            return new ForwardItem(p.getId(), p.getCamera(), p.getSequence(), p.getPtsMs(), p.getCapturedMs(),
                    p.getDetectionsJson(), p.getJpeg().toByteArray());
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("spool record does not parse: " + e.getMessage(), e);
        }
    }

    /** Version 1: version byte, UTF id, UTF camera, sequence, pts, captured, int+bytes JSON, int+bytes JPEG. */
    private static ForwardItem fromVersion1(byte[] b) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            in.readUnsignedByte();
            String id = in.readUTF();
            String camera = in.readUTF();
            long seq = in.readLong();
            long pts = in.readLong();
            long captured = in.readLong();
            byte[] det = new byte[in.readInt()];
            in.readFully(det);
            byte[] jpeg = new byte[in.readInt()];
            in.readFully(jpeg);
            return new ForwardItem(id, camera, seq, pts, captured, new String(det, StandardCharsets.UTF_8), jpeg);
        }
    }
}
