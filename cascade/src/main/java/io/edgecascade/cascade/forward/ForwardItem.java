package io.edgecascade.cascade.forward;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One positive as it waits in the spool: its idempotency id, where it came from, the edge's detections (JSON)
 * and the JPEG-encoded frame.
 */
record ForwardItem(String id, String camera, long sequence, long ptsMillis, long capturedMillis, String detectionsJson,
        byte[] jpeg) {

    private static final int VERSION = 1;

    /**
     * The request id: stable for this frame across retries and restarts (it is stored with the frame), unique
     * across runs because the capture time is part of it.
     */
    static String idOf(String camera, long sequence, long ptsMillis, long capturedMillis) {
        return camera + ":" + sequence + ":" + ptsMillis + ":" + capturedMillis;
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(jpeg.length + 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(id);
            out.writeUTF(camera);
            out.writeLong(sequence);
            out.writeLong(ptsMillis);
            out.writeLong(capturedMillis);
            byte[] det = detectionsJson.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(det.length);
            out.write(det);
            out.writeInt(jpeg.length);
            out.write(jpeg);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ForwardItem fromBytes(byte[] b) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            int v = in.readUnsignedByte();
            if (v != VERSION) {
                throw new IOException("spool record of unknown version " + v);
            }
            String id = in.readUTF();
            String camera = in.readUTF();
            long seq = in.readLong();
            long pts = in.readLong();
            long captured = in.readLong();
            byte[] det = new byte[in.readInt()];
            in.readFully(det);
            byte[] jpeg = new byte[in.readInt()];
            in.readFully(jpeg);
            return new ForwardItem(id, camera, seq, pts, captured,
                    new String(det, java.nio.charset.StandardCharsets.UTF_8), jpeg);
        }
    }
}
