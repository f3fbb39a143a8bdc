package io.edgecascade.cascade.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolDirectoryTest {

    @TempDir
    Path dir;

    private final List<String> evicted = new ArrayList<>();

    private SpoolDirectory open(long maxBytes, long segmentBytes) throws IOException {
        return SpoolDirectory.open(new SpoolDirectory.Settings(dir, maxBytes, SpoolDirectory.Fsync.ALWAYS,
                segmentBytes), evicted::add);
    }

    private static byte[] payload(int i, int size) {
        byte[] b = new byte[size];
        for (int k = 0; k < size; k++) {
            b[k] = (byte) (i * 31 + k);
        }
        return b;
    }

    private static String drainIds(SpoolDirectory s) throws IOException {
        StringBuilder sb = new StringBuilder();
        SpoolDirectory.Entry e;
        while ((e = s.poll()) != null) {
            sb.append(new String(s.read(e), StandardCharsets.UTF_8)).append(',');
            s.ack(e);
        }
        return sb.toString();
    }

    @Test
    void skippingATagSkipsAllItsRecordsSoEachTagStaysInOrder() throws IOException {
        try (SpoolDirectory s = open(1 << 20, 64)) {
            for (int i = 0; i < 5; i++) { // r0 cam0, r1 cam1, r2 cam0, r3 cam1, r4 cam0
                assertTrue(s.append("cam" + (i % 2), ("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
            SpoolDirectory.Entry a = s.poll(java.util.Set.of());
            assertEquals("cam0", a.tag());
            // cam0 has r0 on the wire: the next record handed out is cam1's oldest, never cam0's r2
            SpoolDirectory.Entry b = s.poll(java.util.Set.of("cam0"));
            assertEquals("r1", new String(s.read(b), StandardCharsets.UTF_8));
            assertFalse(s.hasUnsent(java.util.Set.of("cam0", "cam1")));
            assertTrue(s.hasUnsent(java.util.Set.of("cam1")));
            assertNull(s.poll(java.util.Set.of("cam0", "cam1")));
            s.release(a); // r0 failed: it comes back ahead of r2
            s.ack(b);
            assertEquals("r0,r2,r3,r4,", drainIds(s));
        }
    }

    @Test
    void handsRecordsOutOldestFirstAndReleasedOnesKeepTheirPlace() throws IOException {
        try (SpoolDirectory s = open(1 << 20, 64)) {
            for (int i = 0; i < 6; i++) {
                assertTrue(s.append("cam" + (i % 2), ("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
            SpoolDirectory.Entry a = s.poll();
            SpoolDirectory.Entry b = s.poll();
            assertEquals("cam0", a.tag());
            assertEquals("cam1", b.tag());
            s.ack(b);
            s.release(a); // failed: must come back first, before r2
            assertEquals("r0,r2,r3,r4,r5,", drainIds(s));
            assertEquals(0, s.pendingCount());
            assertEquals(0, s.pendingBytes());
        }
    }

    @Test
    void restartReplaysOnlyWhatWasNotAcknowledged() throws IOException {
        try (SpoolDirectory s = open(1 << 20, 100)) {
            for (int i = 0; i < 10; i++) {
                s.append("cam", ("r" + i).getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < 3; i++) {
                s.ack(s.poll());
            }
            s.poll(); // r3 in flight when the process dies: not acknowledged, so it comes back
        }
        try (SpoolDirectory s = open(1 << 20, 100)) {
            assertEquals(7, s.pendingCount());
            assertEquals("r3,r4,r5,r6,r7,r8,r9,", drainIds(s));
        }
        try (SpoolDirectory s = open(1 << 20, 100)) {
            assertEquals(0, s.pendingCount());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(".lock"), files.map(p -> p.getFileName().toString()).toList(),
                    "acknowledged segments are deleted");
        }
    }

    @Test
    void corruptRecordIsDetectedByItsCrcAndSkipped() throws IOException {
        try (SpoolDirectory s = open(1 << 20, 1 << 20)) {
            s.append("cam", payload(1, 100));
            s.append("cam", payload(2, 100));
            s.append("cam", payload(3, 100));
        }
        Path seg;
        try (Stream<Path> files = Files.list(dir)) {
            seg = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        // flip one payload byte of the second record (header 12 + tag 2+3 + payload 100 = 117 bytes per record)
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(117 + 12 + 5 + 50);
            int v = f.read();
            f.seek(117 + 12 + 5 + 50);
            f.write(v ^ 0xff);
        }
        try (SpoolDirectory s = open(1 << 20, 1 << 20)) {
            assertEquals(1, s.corruptRecords());
            assertEquals(2, s.pendingCount());
            assertArrayEquals(payload(1, 100), s.read(s.poll()));
            assertArrayEquals(payload(3, 100), s.read(s.poll()));
        }
    }

    @Test
    void tornRecordAtTheEndIsCutOffAndAppendingGoesOn() throws IOException {
        try (SpoolDirectory s = open(1 << 20, 1 << 20)) {
            s.append("cam", payload(1, 100));
            s.append("cam", payload(2, 100));
        }
        Path seg;
        try (Stream<Path> files = Files.list(dir)) {
            seg = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(f.length() - 30); // the kill came in the middle of writing record 2
        }
        try (SpoolDirectory s = open(1 << 20, 1 << 20)) {
            assertEquals(1, s.pendingCount());
            s.append("cam", payload(3, 100));
        }
        try (SpoolDirectory s = open(1 << 20, 1 << 20)) {
            assertEquals(0, s.corruptRecords());
            assertArrayEquals(payload(1, 100), s.read(s.poll()));
            assertArrayEquals(payload(3, 100), s.read(s.poll()));
            assertNull(s.poll());
        }
    }

    @Test
    void fullSpoolEvictsOldestSegmentsAndCountsEveryLostRecord() throws IOException {
        // records of 12 + 2 + 1 + 1000 bytes, segments closed after 2 records, bound of 5 records
        try (SpoolDirectory s = open(5 * 1015, 2000)) {
            for (int i = 0; i < 12; i++) {
                s.append(i < 4 ? "a" : "b", payload(i, 1000));
                assertTrue(s.diskBytes() <= 5 * 1015, "disk bytes " + s.diskBytes() + " over the bound");
            }
            assertEquals(s.evictedRecords(), evicted.size());
            assertEquals(12 - s.pendingCount(), evicted.size(), "every record not kept is counted as evicted");
            assertTrue(evicted.size() >= 7);
            assertEquals(List.of("a", "a", "a", "a"), evicted.subList(0, 4), "oldest first");
            // what is left is the newest records, in order
            SpoolDirectory.Entry e = s.poll();
            int first = 12 - s.pendingCount(); // pending still counts the record in flight
            assertArrayEquals(payload(first, 1000), s.read(e));
        }
    }

    @Test
    void recordLargerThanTheBoundIsRefusedAndCounted() throws IOException {
        try (SpoolDirectory s = open(64 << 10, 16 << 10)) {
            assertFalse(s.append("cam", new byte[70 << 10]));
            assertEquals(List.of("cam"), evicted);
            assertEquals(0, s.pendingCount());
        }
    }

    @Test
    void secondProcessCannotShareTheFolder() throws IOException {
        try (SpoolDirectory s = open(1 << 20, 1 << 20)) {
            assertNotNull(s);
            IOException e = assertThrows(IOException.class, () -> open(1 << 20, 1 << 20));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
    }

    @Test
    void unwritableFolderIsReportedWithTheFix() throws IOException {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        IOException e = assertThrows(IOException.class, () -> SpoolDirectory.open(
                SpoolDirectory.Settings.of(file.resolve("spool"), 1 << 20, SpoolDirectory.Fsync.NEVER), t -> { }));
        assertTrue(e.getMessage().contains("spool.dir"), e.getMessage());
    }

    /** The spool with records payload(0, 10) and payload(1, 10) of tag "a". */
    private SpoolDirectory withTwoRecords() throws IOException {
        SpoolDirectory s = open(1 << 20, 1 << 20);
        s.append("a", payload(0, 10));
        s.append("a", payload(1, 10));
        return s;
    }

    @Test
    void attemptCountsSurviveARestartAndGoWithTheRecord() throws IOException {
        try (SpoolDirectory s = withTwoRecords()) {
            SpoolDirectory.Entry first = s.poll();
            assertEquals(0, s.attempts(first));
            assertEquals(1, s.countAttempt(first));
            assertEquals(2, s.countAttempt(first));
            s.saveAttempts(first); // written beside the segment
            s.release(first);
            assertEquals(2, s.attempts(s.poll()), "a released record keeps its count");
            assertEquals(3, s.countAttempt(first)); // counted, not saved: a crash now loses only this one
        }
        try (SpoolDirectory s = open(1 << 20, 1 << 20)) {
            SpoolDirectory.Entry first = s.poll();
            assertArrayEquals(payload(0, 10), s.read(first));
            assertEquals(2, s.attempts(first), "the count saved before the restart");
            SpoolDirectory.Entry second = s.poll();
            assertEquals(0, s.attempts(second));
            s.countAttempt(first);
            s.saveAttempts(first);
            s.ack(first);
            assertEquals(0, s.attempts(first), "an acknowledged record has no count left");
        }
        try (SpoolDirectory s = open(1 << 20, 1 << 20)) {
            SpoolDirectory.Entry second = s.poll();
            assertArrayEquals(payload(1, 10), s.read(second));
            assertEquals(0, s.attempts(second));
            assertNull(s.poll());
        }
    }

    @Test
    void aTornAttemptEntryIsIgnoredAndTheNextOneStaysAligned() throws IOException {
        try (SpoolDirectory s = withTwoRecords()) {
            SpoolDirectory.Entry first = s.poll();
            s.countAttempt(first);
            s.saveAttempts(first);
        }
        Path tries = dir.resolve(String.format("%016d.try", 0));
        try (RandomAccessFile f = new RandomAccessFile(tries.toFile(), "rw")) {
            f.seek(f.length());
            f.write(new byte[] {0, 0, 0}); // a power cut in the middle of the next entry
        }
        try (SpoolDirectory s = open(1 << 20, 1 << 20)) {
            SpoolDirectory.Entry first = s.poll();
            SpoolDirectory.Entry second = s.poll();
            assertEquals(1, s.attempts(first));
            s.countAttempt(second);
            s.saveAttempts(second);
        }
        try (SpoolDirectory s = open(1 << 20, 1 << 20)) {
            assertEquals(1, s.attempts(s.poll()));
            assertEquals(1, s.attempts(s.poll()), "written after the torn entry, read back whole");
        }
    }
}
