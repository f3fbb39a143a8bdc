package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StageQueueTest {

    @Test
    void offerRefusesWhenFullPutWaitsForRoom() throws Exception {
        StageQueue<Integer> q = new StageQueue<>("q", 2);
        assertTrue(q.offer(1));
        assertTrue(q.offer(2));
        assertFalse(q.offer(3));
        Thread producer = new Thread(() -> {
            try {
                q.put(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        // the producer blocks inside put (a thread that merely has not run yet proves nothing)
        io.edgecascade.cascade.testing.Await.holdsWithin(java.time.Duration.ofSeconds(30),
                () -> producer.getState() == Thread.State.WAITING || !producer.isAlive());
        assertEquals(Thread.State.WAITING, producer.getState(), "put must wait while the queue is full");
        assertEquals(1, q.take());
        producer.join(TimeUnit.SECONDS.toMillis(5));
        assertFalse(producer.isAlive());
        assertEquals(2, q.depth());
    }

    @Test
    void everyConsumerDrainsThenSeesTheEnd() throws Exception {
        StageQueue<Integer> q = new StageQueue<>("q", 4);
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        List<Thread> consumers = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            Thread t = new Thread(() -> {
                try {
                    Integer v;
                    while ((v = q.take()) != null) {
                        seen.add(v);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            consumers.add(t);
        }
        for (int i = 0; i < 100; i++) {
            q.put(i);
        }
        q.end();
        for (Thread t : consumers) {
            t.join(TimeUnit.SECONDS.toMillis(5));
            assertFalse(t.isAlive(), "consumer still waiting after end()");
        }
        assertEquals(100, seen.size());
        assertEquals(4950, seen.stream().mapToInt(Integer::intValue).sum());
        assertNull(q.take());
        assertFalse(q.put(1), "a put after the end is refused, not queued");
        assertFalse(q.offer(1));
    }

    /**
     * Issue 17 item 1: a producer waiting for room when the queue ends (its consumer died) is woken and told the
     * item was not queued, instead of waiting for good.
     */
    @Test
    void endWakesAProducerWaitingForRoom() throws Exception {
        StageQueue<Integer> q = new StageQueue<>("q", 1);
        assertTrue(q.put(1));
        java.util.concurrent.atomic.AtomicReference<Boolean> queued = new java.util.concurrent.atomic.AtomicReference<>();
        Thread producer = new Thread(() -> {
            try {
                queued.set(q.put(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        producer.join(200);
        assertTrue(producer.isAlive(), "put waits while the queue is full");
        q.end();
        producer.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(producer.isAlive(), "the producer is still blocked in put after end()");
        assertEquals(Boolean.FALSE, queued.get(), "put says the item was not queued: the caller frees it");
        assertEquals(1, q.take(), "what was queued before the end is still delivered");
        assertNull(q.take());
    }

    @Test
    void abortHandsBackWhatWaitsAndEndsConsumersAndProducersAtOnce() throws Exception {
        StageQueue<Integer> q = StageQueue.perKey("q", 1, i -> "k" + (i % 2));
        assertTrue(q.put(1));
        assertTrue(q.put(2));
        Thread producer = new Thread(() -> {
            try {
                q.put(3); // waits: slot k1 is full
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        producer.join(200);
        assertTrue(producer.isAlive());
        List<Integer> left = q.abort();
        assertEquals(List.of(1, 2), left.stream().sorted().toList(), "the queued items go back to the caller");
        producer.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(producer.isAlive(), "abort wakes the producer");
        assertNull(q.take(), "consumers see the end at once");
        assertEquals(0, q.depth());
        assertEquals(List.of(5), q.offerLatest(5), "after the end, offerLatest hands the item back");
    }
}
