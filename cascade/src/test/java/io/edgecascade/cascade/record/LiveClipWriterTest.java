package io.edgecascade.cascade.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The live clips' writer thread: what is queued at close is written, or abandoned when time is up. */
class LiveClipWriterTest {

    private static PacketRing.PendingClip clip(String id) {
        return new PacketRing.PendingClip("cam", id, List.of(), null);
    }

    @Test
    void closeWritesWhatIsQueued() {
        List<String> written = new CopyOnWriteArrayList<>();
        LiveClipWriter writer = new LiveClipWriter(c -> written.add(c.eventId()));
        writer.start();
        writer.submit(clip("a"));
        writer.submit(clip("b"));
        writer.submit(clip("c"));
        writer.close(10_000);
        assertEquals(List.of("a", "b", "c"), written);
        writer.submit(clip("late")); // after close: abandoned (logged), not written
        assertEquals(3, written.size());
    }

    @Test
    void aStuckDiskDoesNotHoldCloseBeyondItsLimit() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> written = new CopyOnWriteArrayList<>();
        LiveClipWriter writer = new LiveClipWriter(c -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.add(c.eventId());
        });
        writer.start();
        writer.submit(clip("stuck"));
        writer.submit(clip("abandoned"));
        long t0 = System.nanoTime();
        writer.close(300);
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "close waited too long");
        release.countDown();
        assertTrue(!written.contains("abandoned"), written.toString());
    }
}
