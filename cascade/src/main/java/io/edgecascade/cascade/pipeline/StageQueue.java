package io.edgecascade.cascade.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The bounded buffer between two stages. Producers {@link #put} (wait for room: no frame is lost) or
 * {@link #offer} (give up when full: a live source must not fall behind); after the last producer calls
 * {@link #end()}, every consumer's {@link #take()} returns null once the queue is drained. A queue made with a
 * key function (the camera of a frame) also counts what waits per key, for the per-camera queue-depth metric.
 *
 * <p>The end wakes both sides: a producer waiting for room when the queue ends (its consumer died, the run is
 * stopping) gets {@code false} from {@link #put} and keeps its item (to free it), instead of waiting for good.
 * {@link #abort()} ends the queue and hands back what waits in it, for a consumer that will never come.
 *
 * <p>A {@linkplain #perKey fair} queue keeps one small slot per key instead of one FIFO: {@link #put} waits for
 * room in its key's slot, {@link #offerLatest} replaces what waits in it (latest-frame semantics for live cameras),
 * and {@link #take} serves the keys round-robin, so a key that always has items cannot starve one that rarely has.
 */
public final class StageQueue<T> {

    private final String name;
    private final int capacity;
    private final ArrayDeque<T> items;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Function<? super T, String> keyOf;
    private final Map<String, Integer> depthByKey = new HashMap<>();
    /** Fair mode: the slot of each key, in the order keys first appeared; null in FIFO mode. */
    private final java.util.LinkedHashMap<String, ArrayDeque<T>> slots;
    private final List<String> keys = new ArrayList<>();
    private int next;
    private int size;
    private boolean ended;

    public StageQueue(String name, int capacity) {
        this(name, capacity, null);
    }

    /** @param keyOf the key each item is counted under in {@link #depthByKey()}, or null to count none */
    public StageQueue(String name, int capacity, Function<? super T, String> keyOf) {
        this(name, capacity, keyOf, false);
    }

    private StageQueue(String name, int capacity, Function<? super T, String> keyOf, boolean fair) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.name = name;
        this.capacity = capacity;
        this.items = new ArrayDeque<>(fair ? 1 : capacity);
        this.keyOf = keyOf;
        this.slots = fair ? new java.util.LinkedHashMap<>() : null;
    }

    /**
     * A fair queue: up to {@code perKey} items per key ({@code keyOf}), served round-robin over the keys.
     */
    public static <T> StageQueue<T> perKey(String name, int perKey, Function<? super T, String> keyOf) {
        return new StageQueue<>(name, perKey, java.util.Objects.requireNonNull(keyOf, "keyOf"), true);
    }

    /** Fair mode: the slot of the item's key. */
    private ArrayDeque<T> slot(T item) {
        return slots.computeIfAbsent(keyOf.apply(item), k -> {
            keys.add(k);
            return new ArrayDeque<>(capacity);
        });
    }

    private boolean full(T item) {
        return slots == null ? items.size() >= capacity : slot(item).size() >= capacity;
    }

    private void add(T item) {
        if (slots == null) {
            items.addLast(item);
        } else {
            slot(item).addLast(item);
        }
        size++;
        count(item, 1);
        notEmpty.signal();
    }

    /**
     * Fair mode: adds without waiting, first taking out what waits in the item's slot (older frames of a live
     * camera are worth less than its newest); returns what was taken out (the caller counts and closes it). Once the
     * queue has ended, returns the item itself: it was not queued.
     */
    public List<T> offerLatest(T item) {
        if (slots == null) {
            throw new IllegalStateException("offerLatest needs a per-key queue");
        }
        lock.lock();
        try {
            if (ended) {
                return List.of(item);
            }
            ArrayDeque<T> slot = slot(item);
            List<T> displaced = new ArrayList<>(slot);
            slot.clear();
            size -= displaced.size();
            for (T d : displaced) {
                count(d, -1);
            }
            add(item);
            return displaced;
        } finally {
            lock.unlock();
        }
    }

    public String name() {
        return name;
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Adds, waiting while the queue is full.
     *
     * @return true when queued; false when the queue has ended (before or while waiting): the caller still owns the
     *         item
     */
    public boolean put(T item) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (!ended && full(item)) {
                notFull.await();
            }
            if (ended) {
                return false;
            }
            add(item);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Adds without waiting; false when the queue is full or has ended (the caller still owns the item). */
    public boolean offer(T item) {
        lock.lock();
        try {
            if (ended || full(item)) {
                return false;
            }
            add(item);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks the end of the stream: no more puts (a producer waiting for room is woken and refused); consumers
     * finish what is queued, then get null.
     */
    public void end() {
        lock.lock();
        try {
            ended = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the queue and takes out everything in it: for a consumer that died or a stop past its deadline. Producers
     * and consumers are woken; consumers get null at once. Returns what was queued (the caller frees it).
     */
    public List<T> abort() {
        lock.lock();
        try {
            ended = true;
            List<T> left = new ArrayList<>();
            if (slots == null) {
                left.addAll(items);
                items.clear();
            } else {
                for (ArrayDeque<T> slot : slots.values()) {
                    left.addAll(slot);
                    slot.clear();
                }
            }
            for (T item : left) {
                count(item, -1);
            }
            size = 0;
            notEmpty.signalAll();
            notFull.signalAll();
            return left;
        } finally {
            lock.unlock();
        }
    }

    /** True once {@link #end()} or {@link #abort()} was called. */
    public boolean ended() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** The next item, waiting for one; null once the queue has ended and is empty. */
    public T take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (size == 0) {
                if (ended) {
                    return null;
                }
                notEmpty.await();
            }
            T item = removeNext();
            size--;
            count(item, -1);
            notFull.signalAll(); // in fair mode the waiting producer may be another key's
            return item;
        } finally {
            lock.unlock();
        }
    }

    /** FIFO: the oldest item; fair: the oldest of the next key (after the one served last) that has one. */
    private T removeNext() {
        if (slots == null) {
            return items.removeFirst();
        }
        for (int i = 0; i < keys.size(); i++) {
            int k = (next + i) % keys.size();
            ArrayDeque<T> slot = slots.get(keys.get(k));
            if (!slot.isEmpty()) {
                next = (k + 1) % keys.size();
                return slot.removeFirst();
            }
        }
        throw new IllegalStateException("queue " + name + " counted items it does not hold");
    }

    private void count(T item, int delta) {
        if (keyOf != null) {
            depthByKey.merge(keyOf.apply(item), delta, (a, b) -> a + b == 0 ? null : a + b);
        }
    }

    /** Items waiting now per key (keys with none waiting are absent); empty without a key function. */
    public Map<String, Integer> depthByKey() {
        lock.lock();
        try {
            return Map.copyOf(depthByKey);
        } finally {
            lock.unlock();
        }
    }

    /** Items waiting now (for metrics). */
    public int depth() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }
}
