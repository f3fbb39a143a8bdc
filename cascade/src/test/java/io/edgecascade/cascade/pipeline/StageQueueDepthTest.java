package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-key counts behind the per-camera queue-depth metric. */
class StageQueueDepthTest {

    private record Item(String camera) {
    }

    @Test
    void countsWhatWaitsPerKey() throws InterruptedException {
        StageQueue<Item> q = new StageQueue<>("detector", 8, Item::camera);
        q.put(new Item("a"));
        q.put(new Item("b"));
        q.offer(new Item("a"));
        assertEquals(Map.of("a", 2, "b", 1), q.depthByKey());
        assertEquals(3, q.depth());
        q.take();
        q.take();
        assertEquals(Map.of("a", 1), q.depthByKey());
        q.take();
        assertEquals(Map.of(), q.depthByKey());
    }

    @Test
    void aFullQueueRefusesAndDoesNotCount() {
        StageQueue<Item> q = new StageQueue<>("detector", 1, Item::camera);
        q.offer(new Item("a"));
        q.offer(new Item("a"));
        assertEquals(Map.of("a", 1), q.depthByKey());
    }

    @Test
    void withoutAKeyFunctionNothingIsCounted() throws InterruptedException {
        StageQueue<Item> q = new StageQueue<>("output", 4);
        q.put(new Item("a"));
        assertEquals(Map.of(), q.depthByKey());
        assertEquals(1, q.depth());
    }
}
