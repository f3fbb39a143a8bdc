package io.edgecascade.cascade.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The live clips' writer thread: what is queued at close is written, or dropped (counted) when time is up; its queue
 * is bounded in bytes; every clip's packets are released once it is written or dropped.
 */
class LiveClipWriterTest {

    private final ClipMemory memory = new ClipMemory(1L << 30);

    private static PacketRing.PendingClip clip(String id) {
        return new PacketRing.PendingClip("cam", id, List.of(), null);
    }

    /** A clip of {@code packets} packets of 1000 bytes, held in {@link #memory}. */
    private PacketRing.PendingClip clip(String id, int packets) {
        List<EncodedPacket> p = new java.util.ArrayList<>();
        StreamParams s = StreamParams.of("h264", 1, 1000);
        for (int i = 0; i < packets; i++) {
            p.add(new EncodedPacket(s, i, i, 1, i == 0, i, new byte[1000]));
        }
        assertTrue(memory.holdAll(p));
        return new PacketRing.PendingClip("cam", id, p, null);
    }

    /** A disk that takes each clip only once {@code release} opens, then notes it as written. */
    private static java.util.function.Consumer<PacketRing.PendingClip> stuckDisk(CountDownLatch release,
            List<String> written) {
        return c -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.add(c.eventId());
        };
    }

    @Test
    void closeWritesWhatIsQueued() {
        List<String> written = new CopyOnWriteArrayList<>();
        LiveClipWriter writer = new LiveClipWriter(c -> written.add(c.eventId()), memory, 1L << 30);
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
        LiveClipWriter writer = new LiveClipWriter(stuckDisk(release, written), memory, 1L << 30);
        writer.start();
        writer.submit(clip("stuck"));
        writer.submit(clip("abandoned"));
        long t0 = System.nanoTime();
        writer.close(300);
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "close waited too long");
        release.countDown();
        assertTrue(!written.contains("abandoned"), written.toString());
    }

    /**
     * Failed before (a queue of 32 clips whatever their size, up to 256 MiB each): with the disk stuck, clips beyond
     * the queue's bytes are dropped, counted, and their memory released; the written ones release theirs too.
     */
    @Test
    void theQueueIsBoundedInBytesAndEveryClipReleasesItsMemory() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> written = new CopyOnWriteArrayList<>();
        LiveClipWriter writer = new LiveClipWriter(stuckDisk(release, written), memory, 25_000);
        writer.start();
        writer.submit(clip("a", 10)); // being written (stuck)
        writer.submit(clip("b", 10));
        writer.submit(clip("c", 10)); // 30 000 bytes waiting would pass 25 000: dropped
        assertEquals(20_000, writer.queuedBytes());
        assertEquals(java.util.Map.of("cam", 1L), memory.dropped());
        assertEquals(20_000, memory.bytes(), "the dropped clip gave its memory back");
        release.countDown();
        writer.close(10_000);
        assertEquals(List.of("a", "b"), written);
        assertEquals(0, memory.bytes());
        assertEquals(0, writer.queuedBytes());
    }

    @Test
    void oneClipLargerThanTheBoundIsStillTakenWhenNoneWaits() {
        List<String> written = new CopyOnWriteArrayList<>();
        LiveClipWriter writer = new LiveClipWriter(c -> written.add(c.eventId()), memory, 5_000);
        writer.start();
        writer.submit(clip("big", 10));
        writer.close(10_000);
        assertEquals(List.of("big"), written);
        assertEquals(0, memory.bytes());
    }
}
