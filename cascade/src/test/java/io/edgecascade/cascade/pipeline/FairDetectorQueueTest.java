package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-camera slots in front of the detector: latest-frame for live cameras, round-robin for the workers. */
class FairDetectorQueueTest {

    private static StageQueue<String> queue(int perKey) {
        return StageQueue.perKey("detector", perKey, s -> s.substring(0, 1));
    }

    @Test
    void busyCameraCannotStarveAQuietOne() throws Exception {
        StageQueue<String> q = queue(4);
        for (int i = 0; i < 4; i++) {
            q.put("a" + i); // camera a moves all day
        }
        q.put("b0");
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            taken.add(q.take());
        }
        assertEquals(List.of("a0", "b0", "a1"), taken);
        assertEquals(Map.of("a", 2), q.depthByKey());
    }

    @Test
    void liveCameraKeepsOnlyItsNewestFrame() throws Exception {
        StageQueue<String> q = queue(1);
        assertEquals(List.of(), q.offerLatest("a1"));
        assertEquals(List.of("a1"), q.offerLatest("a2"));
        assertEquals(List.of(), q.offerLatest("b1"));
        assertEquals(2, q.depth());
        assertEquals("a2", q.take());
        assertEquals("b1", q.take());
        q.end();
        assertNull(q.take());
    }

    @Test
    void fileCameraWaitsForRoomInItsOwnSlotOnly() throws Exception {
        StageQueue<String> q = queue(1);
        q.put("a0");
        assertTrue(q.offer("b0"), "camera b has its own slot");
        assertFalse(q.offer("a1"));
        CountDownLatch added = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            try {
                q.put("a1");
                added.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        assertFalse(added.await(200, TimeUnit.MILLISECONDS), "put waits while a's slot is full");
        assertEquals("a0", q.take());
        assertTrue(added.await(5, TimeUnit.SECONDS));
        producer.join();
        assertEquals("b0", q.take());
        assertEquals("a1", q.take());
    }
}
