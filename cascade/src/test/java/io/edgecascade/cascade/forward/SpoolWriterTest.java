package io.edgecascade.cascade.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.api.Deadline;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.kserve.ModelInferResponse;
import io.edgecascade.cascade.spool.SpoolDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The spool thread's order of writes, on a real spool, results file and dead-letter folder. */
class SpoolWriterTest {

    @TempDir
    Path dir;

    private final List<String> deadLettered = new ArrayList<>();
    private final AtomicInteger deadLetterFailures = new AtomicInteger();

    private final ForwardListener listener = new ForwardListener() {
        @Override
        public void onDeadLettered(String camera) {
            deadLettered.add(camera);
        }
    };

    private SpoolDirectory.Settings spoolSettings() {
        return SpoolDirectory.Settings.of(dir.resolve("spool"), 1 << 20, SpoolDirectory.Fsync.ALWAYS);
    }

    private SpoolWriter writer(SpoolDirectory spool, ResultsLog results, DeadLetters letters) {
        return new SpoolWriter(spool, listener, PipelineObserver.of(List.of()), results, letters, "yolox", 90,
                camera -> false, () -> { }, deadLetterFailures::incrementAndGet);
    }

    /** Runs the writer on its own thread until it gave up item 1's record and ended. */
    private static void giveUp(SpoolWriter w, SpoolDirectory.Entry e, DeadLetters.Reason reason, String status,
            int attempts) throws InterruptedException {
        Thread t = new Thread(w, "forward-spool");
        t.start();
        w.deadLetter(new SpoolWriter.GiveUp(e, new DeadLetters.Letter("cam", item(1), item(1).toBytes(), reason,
                status, status + ": the server's message", attempts)));
        assertTrue(w.awaitQueued(Deadline.after(Duration.ofSeconds(30))));
        w.end();
        t.join(30_000);
        assertFalse(t.isAlive());
    }

    private static ForwardItem item(int n) {
        return new ForwardItem("cam:" + n + ":" + n * 100 + ":1700000000000", "cam", n, n * 100L,
                1_700_000_000_000L, "{\"camera\":\"cam\",\"detections\":[]}", new byte[] {(byte) 0xff, (byte) 0xd8,
                        (byte) n});
    }

    /**
     * Defect (issue 17, item 12): the record was acknowledged in the spool before the cloud's answer was written, so a
     * crash between the two lost the answer for good. The writer dies here at that point (as a killed process
     * would): the answer must already be in the results file, and the record still in the spool to be sent again.
     * Failed before: the results file was empty and the spool had forgotten the record.
     */
    @Test
    @Timeout(60)
    void theAnswerIsWrittenBeforeTheRecordIsAcknowledged() throws Exception {
        Path resultsFile = dir.resolve("results.jsonl");
        try (SpoolDirectory spool = SpoolDirectory.open(spoolSettings(), tag -> { });
                ResultsLog results = ResultsLog.open(resultsFile, true)) {
            spool.append("cam", item(1).toBytes());
            SpoolDirectory.Entry e = spool.poll();
            SpoolWriter w = writer(spool, results, DeadLetters.open(dir.resolve("dead"), 1 << 20, "yolox", "x"));
            w.beforeAckForTest(() -> {
                throw new Error("the process is killed here");
            });
            Thread t = new Thread(w, "forward-spool");
            t.start();
            w.delivered(new SpoolWriter.Delivered(e, item(1), ModelInferResponse.newBuilder().setId(item(1).id())
                    .setModelName("yolox").build(), 5_000_000));
            t.join(30_000);
            assertFalse(t.isAlive(), "the writer died at the hook");
        }
        List<String> lines = Files.readAllLines(resultsFile);
        assertEquals(1, lines.size(), "the answer is on disk");
        assertEquals(item(1).id(), new ObjectMapper().readTree(lines.get(0)).get("id").asText(),
                "by its request id, an answer written twice after such a crash is told apart");
        try (SpoolDirectory again = SpoolDirectory.open(spoolSettings(), tag -> { })) {
            SpoolDirectory.Entry e = again.poll();
            assertNotNull(e, "the record was not acknowledged: it is sent again");
            assertArrayEquals(item(1).toBytes(), again.read(e));
        }
    }

    @Test
    @Timeout(60)
    void aRecordGivenUpIsInTheDeadLetterFolderBeforeTheSpoolForgetsIt() throws Exception {
        try (SpoolDirectory spool = SpoolDirectory.open(spoolSettings(), tag -> { });
                ResultsLog results = ResultsLog.open(null, false)) {
            spool.append("cam", item(1).toBytes());
            spool.append("cam", item(2).toBytes());
            SpoolDirectory.Entry first = spool.poll();
            DeadLetters letters = DeadLetters.open(dir.resolve("dead"), 1 << 20, "yolox", "127.0.0.1:9000");
            giveUp(writer(spool, results, letters), first, DeadLetters.Reason.REJECTED, "INVALID_ARGUMENT", 1);
            assertEquals(List.of("cam"), deadLettered);
            assertEquals(1, spool.pendingCount(), "only the second record is left");
            assertEquals(1, letters.written());
        }
        List<Path> files;
        try (var s = Files.list(dir.resolve("dead"))) {
            files = s.toList();
        }
        assertEquals(1, files.size());
        JsonNode letter = new ObjectMapper().readTree(files.get(0).toFile());
        assertEquals(item(1).id(), letter.get("id").asText());
        assertEquals("rejected", letter.get("reason").asText());
        assertEquals("INVALID_ARGUMENT", letter.get("status").asText());
        assertEquals("cam", letter.get("edge_detections").get("camera").asText());
        DeadLetters.Read back = DeadLetters.read(files.get(0));
        assertArrayEquals(item(1).toBytes(), back.payload(), "the record itself, to be sent again");
        try (SpoolDirectory again = SpoolDirectory.open(spoolSettings(), tag -> { })) {
            SpoolDirectory.Entry e = again.poll();
            assertArrayEquals(item(2).toBytes(), again.read(e));
            assertNull(again.poll());
        }
    }

    @Test
    @Timeout(60)
    void aDeadLetterThatCannotBeWrittenLeavesTheRecordInTheSpool() throws Exception {
        try (SpoolDirectory spool = SpoolDirectory.open(spoolSettings(), tag -> { });
                ResultsLog results = ResultsLog.open(null, false)) {
            spool.append("cam", item(1).toBytes());
            SpoolDirectory.Entry first = spool.poll();
            Path dead = dir.resolve("dead");
            DeadLetters letters = DeadLetters.open(dead, 1 << 20, "yolox", "x");
            Files.delete(dead);
            Files.writeString(dead, "a file where the folder was"); // every write into it fails now
            giveUp(writer(spool, results, letters), first, DeadLetters.Reason.MAX_ATTEMPTS, "INTERNAL", 10);
            assertEquals(List.of(), deadLettered);
            assertEquals(1, deadLetterFailures.get(), "the sender is told, to space the retries");
            assertEquals(1, spool.pendingCount());
            assertNotNull(spool.poll(), "the record is back in its place");
        }
    }

    @Test
    void theFolderStaysUnderItsBoundOldestFirst() throws Exception {
        Path dead = dir.resolve("dead");
        DeadLetters letters = DeadLetters.open(dead, 2_000, "yolox", "x");
        for (int i = 0; i < 10; i++) {
            letters.write(new DeadLetters.Letter("cam", item(i), item(i).toBytes(), DeadLetters.Reason.REJECTED,
                    "INVALID_ARGUMENT", "bad", 1));
        }
        assertTrue(letters.bytes() <= 2_000, "bytes " + letters.bytes());
        assertTrue(letters.deleted() > 0);
        List<Path> left;
        try (var s = Files.list(dead)) {
            left = s.sorted().toList();
        }
        assertEquals(item(9).id(), DeadLetters.read(left.get(left.size() - 1)).id(), "the newest stays");
        DeadLetters reopened = DeadLetters.open(dead, 2_000, "yolox", "x");
        assertEquals(letters.bytes(), reopened.bytes(), "taken stock of at open");
    }
    /**
     * A positive the spool cannot store (here its folder is gone, as a full disk refuses a new segment) is lost: it
     * must be counted as such, per camera ({@code spool_store_failed} in the summary), or the chaos soak cannot tell a
     * full disk from silent loss. Failed before: only {@code forward_errors} counted it, with every failed request.
     */
    @Test
    @Timeout(60)
    void aPositiveTheSpoolCannotStoreIsCountedAsLost() throws Exception {
        ForwardStats stats = new ForwardStats();
        Path spoolDir = dir.resolve("spool");
        try (SpoolDirectory spool = SpoolDirectory.open(SpoolDirectory.Settings.of(spoolDir, 64 << 10,
                SpoolDirectory.Fsync.NEVER), tag -> { });
                ResultsLog results = ResultsLog.open(null, false)) {
            SpoolWriter w = new SpoolWriter(spool, stats, PipelineObserver.of(List.of()), results,
                    DeadLetters.open(dir.resolve("dead"), 1 << 20, "yolox", "x"), "yolox", 90, camera -> false,
                    () -> { }, () -> { });
            Thread t = new Thread(w, "forward-spool");
            t.start();
            // 20 KB fills the first segment (16 KiB of a 64 KiB bound): the next record needs a new file
            w.put(frame(1, new byte[20_000]));
            assertTrue(w.awaitQueued(Deadline.after(Duration.ofSeconds(30))));
            Files.move(spoolDir, dir.resolve("spool-gone"));
            w.put(frame(2, new byte[100]));
            assertTrue(w.awaitQueued(Deadline.after(Duration.ofSeconds(30))));
            w.end();
            t.join(30_000);
            assertEquals(1, spool.pendingCount(), "the first positive was stored");
        }
        var counts = stats.snapshot(List.of("cam", "other")).get("cam");
        assertEquals(1, counts.spoolStoreFailed(), "the second one is counted as lost: " + counts);
        assertEquals(1, counts.forwardErrors());
        assertEquals(0, stats.snapshot(List.of("other")).get("other").spoolStoreFailed());
    }

    private static SpoolWriter.Frame frame(int n, byte[] jpeg) {
        return new SpoolWriter.Frame("cam:" + n + ":0:1700000000000", "cam", n, 0, 1_700_000_000_000L, null, jpeg,
                "{\"camera\":\"cam\",\"detections\":[]}");
    }
}
