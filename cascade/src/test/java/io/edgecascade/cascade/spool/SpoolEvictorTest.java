package io.edgecascade.cascade.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolEvictorTest {

    /** Tag "rN" (2 bytes) and a 100-byte payload: 12 + 2 + 2 + 100 bytes on disk. */
    private static final long RECORD = 116;
    /** Two records per segment. */
    private static final long SEGMENT = 2 * RECORD;
    /** A disk with room to spare. */
    private static final SpoolEvictor.DiskSpace ROOMY = () -> 1L << 40;

    @TempDir
    Path dir;

    private final List<String> lost = new ArrayList<>();
    private final TagIndex waiting = new TagIndex();

    private static byte[] payload(int i) {
        byte[] b = new byte[100];
        java.util.Arrays.fill(b, (byte) i);
        return b;
    }

    /** Real segment files holding records r0..r(n-1), each also waiting in the index. */
    private SegmentFiles filesWith(int n) throws IOException {
        SegmentFiles files = new SegmentFiles(dir, SEGMENT,
                new SyncPolicy(SpoolDirectory.Fsync.NEVER, System::nanoTime, ch -> { }));
        for (int i = 0; i < n; i++) {
            String tag = "r" + i;
            long key = files.append(tag.getBytes(StandardCharsets.UTF_8), payload(i));
            waiting.add(new SpoolDirectory.Entry(key, tag, (int) (RECORD - SegmentCodec.HEADER)));
        }
        assertEquals(n * RECORD, files.diskBytes());
        return files;
    }

    private Path segmentFile(long id) {
        return dir.resolve(String.format("%016d.seg", id));
    }

    @Test
    void evictsWholeOldestSegmentsUntilTheRecordFitsAndReportsEveryLostTagInOrder() throws IOException {
        SegmentFiles files = filesWith(6); // segments 0 (r0 r1), 1 (r2 r3), 2 (r4 r5): 696 bytes
        SpoolEvictor evictor = new SpoolEvictor(700, files, waiting::removeSegment, lost::add, ROOMY);

        evictor.makeRoom(RECORD); // 696 + 116 > 700: segment 0 goes, 464 + 116 fits
        assertEquals(List.of("r0", "r1"), lost);
        assertEquals(2, evictor.evictedRecords());
        assertEquals(4 * RECORD, files.diskBytes());
        assertFalse(Files.exists(segmentFile(0)), "the oldest segment goes whole");
        assertNull(files.channel(0));
        assertTrue(Files.exists(segmentFile(1)) && Files.exists(segmentFile(2)));

        evictor.makeRoom(3 * RECORD); // 464 + 348 > 700: segment 1 goes; 232 + 348 fits, segment 2 stays
        assertEquals(List.of("r0", "r1", "r2", "r3"), lost);
        assertEquals(4, evictor.evictedRecords());
        assertNotNull(files.channel(2));
        assertEquals(2, waiting.size(), "the index lost exactly the evicted records");
        assertEquals("r4", waiting.first(java.util.Set.of()).tag());
        files.closeAll();
    }

    @Test
    void nothingIsEvictedWhileTheRecordFits() throws IOException {
        SegmentFiles files = filesWith(4);
        SpoolEvictor evictor = new SpoolEvictor(5 * RECORD, files, waiting::removeSegment, lost::add, ROOMY);
        evictor.makeRoom(RECORD);
        assertEquals(List.of(), lost);
        assertEquals(0, evictor.evictedRecords());
        assertEquals(4 * RECORD, files.diskBytes());
        files.closeAll();
    }

    @Test
    void aRecordLargerThanTheBoundIsNotAdmittedAndCounted() throws IOException {
        SegmentFiles files = filesWith(0);
        SpoolEvictor evictor = new SpoolEvictor(RECORD, files, waiting::removeSegment, lost::add, ROOMY);
        assertTrue(evictor.admit("fits", RECORD));
        assertFalse(evictor.admit("big", RECORD + 1));
        assertEquals(List.of("big"), lost);
        assertEquals(1, evictor.evictedRecords());
    }

    @Test
    void aRecordHandedOutBeforeItsSegmentWasEvictedReadsAsEvictedAndCountsOnlyIfNotDelivered()
            throws IOException {
        try (SpoolDirectory s = SpoolDirectory.open(
                new SpoolDirectory.Settings(dir, 3 * RECORD, SpoolDirectory.Fsync.NEVER, SEGMENT), lost::add)) {
            for (int i = 0; i < 3; i++) { // segment 0: r0 r1, segment 1: r2; the folder is full
                assertTrue(s.append("r" + i, payload(i)));
            }
            SpoolDirectory.Entry r0 = s.poll();
            SpoolDirectory.Entry r1 = s.poll();
            assertTrue(s.append("r3", payload(3))); // evicts segment 0 while r0 and r1 are in flight

            assertEquals(List.of(), lost, "records in flight are not lost yet: their outcome decides");
            assertThrows(SpoolDirectory.EvictedException.class, () -> s.read(r0));
            assertThrows(SpoolDirectory.EvictedException.class, () -> s.read(r1));
            s.ack(r1); // delivered all the same
            s.release(r0); // not delivered: now it is lost
            assertEquals(List.of("r0"), lost);
            assertEquals(1, s.evictedRecords());
            assertEquals(2, s.pendingCount());

            for (int i = 2; i < 4; i++) { // what is left reads intact, in order
                SpoolDirectory.Entry e = s.poll();
                assertEquals("r" + i, e.tag());
                assertArrayEquals(payload(i), s.read(e));
                s.ack(e);
            }
            assertNull(s.poll());
            assertEquals(1, s.evictedRecords());
        }
    }

    /**
     * Defect (issue 17, item 5): evicting a segment left the bytes of its records in flight in {@code pendingBytes};
     * an orphan delivered afterwards never took them out, so {@code spool_bytes} (and the room the spool reported
     * left) drifted upward on a full spool. Failed before: pendingBytes was 4 records right after the eviction and 3
     * after the acknowledgement, against 2 on disk.
     */
    @Test
    void pendingBytesMatchTheRecordsOnDiskWhenRecordsInFlightAreEvicted() throws IOException {
        SpoolDirectory.Settings settings = new SpoolDirectory.Settings(dir, 3 * RECORD, SpoolDirectory.Fsync.NEVER,
                SEGMENT);
        long live;
        try (SpoolDirectory s = SpoolDirectory.open(settings, lost::add)) {
            for (int i = 0; i < 3; i++) { // segment 0: r0 r1, segment 1: r2; the folder is full
                assertTrue(s.append("r" + i, payload(i)));
            }
            SpoolDirectory.Entry r0 = s.poll();
            SpoolDirectory.Entry r1 = s.poll();
            assertTrue(s.append("r3", payload(3))); // evicts segment 0 while r0 and r1 are in flight
            assertEquals(2 * RECORD, s.pendingBytes(), "r2 and r3 are what the spool still holds");
            s.ack(r1);
            s.release(r0);
            assertEquals(2 * RECORD, s.pendingBytes(), "the outcome of an orphan changes nothing on disk");
            for (int i = 4; i < 9; i++) { // keep it full: every append evicts, nothing drifts
                SpoolDirectory.Entry inFlight = s.poll();
                assertTrue(s.append("r" + i, payload(i)));
                s.ack(inFlight);
            }
            live = s.pendingBytes();
            assertTrue(live <= 3 * RECORD, "pending " + live + " over the bound");
        }
        try (SpoolDirectory again = SpoolDirectory.open(settings, lost::add)) {
            assertEquals(again.pendingBytes(), live, "the figure the spool kept is what a fresh count of the disk"
                    + " finds");
        }
    }

    /**
     * A fake disk of {@code size} bytes holding the spool's files and {@code others} bytes of another writer's:
     * what it has free follows what the spool writes and deletes.
     */
    private static SpoolEvictor.DiskSpace disk(SegmentFiles files, long size, long[] others) {
        return () -> size - others[0] - files.diskBytes();
    }

    /**
     * Defect (chaos soak, issue 17 follow-up): a disk that filled before {@code spool.max_bytes} was reached made
     * every new record fail instead of evicting the oldest. Failed before: nothing was evicted (the evictor knew
     * only the bound).
     */
    @Test
    void aDiskSmallerThanTheBoundEvictsTheOldestSegmentsUntilTheRecordFitsWithTheReserve() throws IOException {
        SegmentFiles files = filesWith(6); // segments 0 (r0 r1), 1 (r2 r3), 2 (r4 r5): 696 bytes
        long size = SpoolEvictor.DISK_RESERVE + 6 * RECORD; // full: the reserve is all that is free
        SpoolEvictor evictor = new SpoolEvictor(1L << 30, files, waiting::removeSegment, lost::add,
                disk(files, size, new long[1]));

        evictor.makeRoom(RECORD); // segment 0 goes: 2 records free
        assertEquals(List.of("r0", "r1"), lost);
        assertEquals(2, evictor.evictedRecords());
        assertFalse(Files.exists(segmentFile(0)));
        evictor.makeRoom(RECORD); // fits now: nothing more goes
        assertEquals(2, evictor.evictedRecords());
        assertEquals(4, waiting.size());
        files.closeAll();
    }

    @Test
    void anotherWriterFillingTheDiskMakesTheSpoolEvictAfterTheFailedWriteAndOnlyThen() throws IOException {
        SegmentFiles files = filesWith(4);
        long[] others = {0};
        long size = SpoolEvictor.DISK_RESERVE + 10 * RECORD;
        SpoolEvictor evictor = new SpoolEvictor(1L << 30, files, waiting::removeSegment, lost::add,
                disk(files, size, others));
        assertFalse(evictor.evictAfterFailedWrite(RECORD), "room on the disk: the failure was something else");
        assertEquals(List.of(), lost);

        others[0] = 6 * RECORD; // the disk is full now
        assertTrue(evictor.evictAfterFailedWrite(RECORD), "evicting makes room: write again");
        assertEquals(List.of("r0", "r1"), lost);
        assertFalse(evictor.evictAfterFailedWrite(RECORD), "room again");
        files.closeAll();
    }

    @Test
    void aRecordThatWouldNotFitOnTheDiskEvenWithTheSpoolEmptyEvictsNothing() throws IOException {
        SegmentFiles files = filesWith(4);
        long size = SpoolEvictor.DISK_RESERVE + 5 * RECORD;
        SpoolEvictor evictor = new SpoolEvictor(1L << 30, files, waiting::removeSegment, lost::add,
                disk(files, size, new long[1]));
        evictor.makeRoom(6 * RECORD);
        assertFalse(evictor.evictAfterFailedWrite(6 * RECORD));
        assertEquals(List.of(), lost, "evicting all would not make room: nothing is thrown away for it");
        assertEquals(4, waiting.size());
        files.closeAll();
    }

    /**
     * Defect (chaos soak): segments were an eighth of the bound (64 MiB at the default 1 GiB), so on a 32 MB disk the
     * whole spool was one segment and a full disk could only free all of it. Failed before: there was no sizing by
     * the disk.
     */
    @Test
    void newSegmentsAreAnEighthOfWhatTheSpoolCanHoldTheBoundOrTheDisk() throws IOException {
        SegmentFiles files = filesWith(0);
        long mib = 1 << 20;
        long[] others = {0};
        SpoolEvictor small = new SpoolEvictor(1L << 30, files, waiting::removeSegment, lost::add,
                disk(files, 32 * mib + SpoolEvictor.DISK_RESERVE, others));
        assertEquals(4 * mib, small.segmentBytes(64 * mib), "a 32 MiB disk: 4 MiB segments");
        others[0] = 32 * mib; // another writer took the disk
        assertEquals(SpoolEvictor.MIN_SEGMENT, small.segmentBytes(64 * mib), "never below the minimum");
        assertEquals(100, small.segmentBytes(100), "nor above the configured size");

        SpoolEvictor bounded = new SpoolEvictor(8 * mib, files, waiting::removeSegment, lost::add, ROOMY);
        assertEquals(mib, bounded.segmentBytes(64 * mib), "a roomy disk: an eighth of the bound");
        SpoolEvictor blind = new SpoolEvictor(8 * mib, files, waiting::removeSegment, lost::add, () -> {
            throw new IOException("statfs failed");
        });
        assertEquals(64 * mib, blind.segmentBytes(64 * mib), "the disk cannot be asked: the configured size");
        files.closeAll();
    }
}
