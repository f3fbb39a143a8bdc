package io.edgecascade.cascade.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgecascade.cascade.spool.SpoolDirectory;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool record: version 2 (protobuf) written and read, version 1 spools of older agents still replay. */
class ForwardItemTest {

    private static final ForwardItem ITEM = new ForwardItem("cam:7:700:1700000000000", "cam", 7, 700,
            1_700_000_000_000L, "{\"detections\":[]}", new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});

    /** A record exactly as the version 1 codec (DataOutputStream) wrote it. */
    private static byte[] version1(ForwardItem i) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF(i.id());
            out.writeUTF(i.camera());
            out.writeLong(i.sequence());
            out.writeLong(i.ptsMillis());
            out.writeLong(i.capturedMillis());
            byte[] det = i.detectionsJson().getBytes(StandardCharsets.UTF_8);
            out.writeInt(det.length);
            out.write(det);
            out.writeInt(i.jpeg().length);
            out.write(i.jpeg());
        }
        return bytes.toByteArray();
    }

    private static void assertSame(ForwardItem a, ForwardItem b) {
        assertEquals(a.id(), b.id());
        assertEquals(a.camera(), b.camera());
        assertEquals(a.sequence(), b.sequence());
        assertEquals(a.ptsMillis(), b.ptsMillis());
        assertEquals(a.capturedMillis(), b.capturedMillis());
        assertEquals(a.detectionsJson(), b.detectionsJson());
        assertArrayEquals(a.jpeg(), b.jpeg());
    }

    @Test
    void version2IsAVersionByteAndAProtobufMessage() throws Exception {
        byte[] b = ITEM.toBytes();
        assertEquals(2, b[0]);
        assertSame(ITEM, ForwardItem.fromBytes(b));
    }

    @Test
    void aVersion1SpoolFromAnOlderAgentStillReplays(@TempDir Path dir) throws Exception {
        SpoolDirectory.Settings s = SpoolDirectory.Settings.of(dir, 1 << 20, SpoolDirectory.Fsync.ALWAYS);
        try (SpoolDirectory old = SpoolDirectory.open(s, t -> { })) {
            old.append("cam", version1(ITEM));
        }
        try (SpoolDirectory reopened = SpoolDirectory.open(s, t -> { })) {
            SpoolDirectory.Entry e = reopened.poll();
            assertSame(ITEM, ForwardItem.fromBytes(reopened.read(e)));
        }
    }

    @Test
    void bytesThatAreNoRecordAreTheRecordsOwnFault() {
        assertThrows(IOException.class, () -> ForwardItem.fromBytes(new byte[0]));
        assertThrows(IOException.class, () -> ForwardItem.fromBytes(new byte[] {9, 1, 2}));
        assertThrows(IOException.class, () -> ForwardItem.fromBytes(new byte[] {2, (byte) 0xff, (byte) 0xff}));
        assertThrows(IOException.class, () -> ForwardItem.fromBytes(new byte[] {1, 0}));
    }
}
