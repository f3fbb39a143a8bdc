package io.edgecascade.cascade.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect: every spool operation ran under one monitor, so an fsync on a slow SD card stalled the gRPC callbacks
 * (release, ack bookkeeping) and the sender (poll, read). Lookups and reads must go on while a write is forced.
 */
class SpoolConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(30)
    void lookupsReadsAndReleasesGoOnWhileAnAppendWaitsForTheDisk() throws Exception {
        AtomicBoolean slow = new AtomicBoolean();
        CountDownLatch inForce = new CountDownLatch(1);
        CountDownLatch diskDone = new CountDownLatch(1);
        SpoolDirectory.Forcer stuckDisk = ch -> {
            if (slow.get()) {
                inForce.countDown();
                try {
                    diskDone.await(); // an SD card that takes its time
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ch.force(false);
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (SpoolDirectory s = SpoolDirectory.open(new SpoolDirectory.Settings(dir, 1 << 20,
                SpoolDirectory.Fsync.ALWAYS, 1 << 16), tag -> { }, System::nanoTime, stuckDisk)) {
            s.append("cam0", "r0".getBytes(StandardCharsets.UTF_8));
            s.append("cam1", "r1".getBytes(StandardCharsets.UTF_8));
            slow.set(true);
            Future<Boolean> append = pool.submit(() -> s.append("cam0", "r2".getBytes(StandardCharsets.UTF_8)));
            assertTrue(inForce.await(10, TimeUnit.SECONDS), "the append reached the disk");
            Future<String> others = pool.submit(() -> {
                SpoolDirectory.Entry a = s.poll(Set.of());
                String text = new String(s.read(a), StandardCharsets.UTF_8);
                s.release(a);
                return text + "," + s.hasUnsent(Set.of("cam0")) + "," + s.pendingCount() + "," + s.unsentCount();
            });
            String seen;
            try {
                seen = others.get(5, TimeUnit.SECONDS); // before the fix: blocked behind the fsync
            } finally {
                diskDone.countDown(); // let the disk finish before the spool is closed, pass or fail
            }
            assertEquals("r0,true,2,2", seen);
            assertTrue(append.get(10, TimeUnit.SECONDS));
            assertEquals(3, s.pendingCount());
            SpoolDirectory.Entry first = s.poll(Set.of());
            assertNotNull(first);
            assertEquals("r0", new String(s.read(first), StandardCharsets.UTF_8), "the released record kept its place");
        } finally {
            diskDone.countDown();
            pool.shutdownNow();
        }
    }
}
