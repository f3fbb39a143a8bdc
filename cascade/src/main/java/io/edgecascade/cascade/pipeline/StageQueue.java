package io.edgecascade.cascade.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.ToLongFunction;

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
    /** Fair mode: what an item weighs (a frame's pixel bytes) and the most one slot holds; null: count only. */
    private final ToLongFunction<? super T> weigher;
    private final long maxBytesPerKey;
    private final Map<String, Long> bytesByKey = new HashMap<>();
    private final List<String> keys = new ArrayList<>();
    private int next;
    private int size;
    private boolean ended;

    public StageQueue(String name, int capacity) {
        this(name, capacity, null);
    }

    /** @param keyOf the key each item is counted under in {@link #depthByKey()}, or null to count none */
    public StageQueue(String name, int capacity, Function<? super T, String> keyOf) {
        this(name, capacity, keyOf, false, null, Long.MAX_VALUE);
    }

    private StageQueue(String name, int capacity, Function<? super T, String> keyOf, boolean fair,
            ToLongFunction<? super T> weigher, long maxBytesPerKey) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.name = name;
        this.capacity = capacity;
        this.items = new ArrayDeque<>(fair ? 1 : capacity);
        this.keyOf = keyOf;
        this.slots = fair ? new java.util.LinkedHashMap<>() : null;
        this.weigher = weigher;
        this.maxBytesPerKey = maxBytesPerKey;
    }

    /**
     * A fair queue: up to {@code perKey} items per key ({@code keyOf}), served round-robin over the keys.
     */
    public static <T> StageQueue<T> perKey(String name, int perKey, Function<? super T, String> keyOf) {
        return new StageQueue<>(name, perKey, java.util.Objects.requireNonNull(keyOf, "keyOf"), true, null,
                Long.MAX_VALUE);
    }

    /**
     * A fair queue whose slots are also bounded in bytes: a slot is full at {@code perKey} items or when the next item
     * would take it past {@code maxBytesPerKey} ({@code weigher}: a frame's pixel bytes); an empty slot always takes
     * one item, however heavy, so that a camera larger than its share still moves.
     */
    public static <T> StageQueue<T> perKey(String name, int perKey, Function<? super T, String> keyOf,
            ToLongFunction<? super T> weigher, long maxBytesPerKey) {
        if (maxBytesPerKey < 1) {
            throw new IllegalArgumentException("maxBytesPerKey must be at least 1");
        }
        return new StageQueue<>(name, perKey, java.util.Objects.requireNonNull(keyOf, "keyOf"), true,
                java.util.Objects.requireNonNull(weigher, "weigher"), maxBytesPerKey);
    }

    /** Fair mode: the slot of the item's key. */
    private ArrayDeque<T> slot(T item) {
        return slots.computeIfAbsent(keyOf.apply(item), k -> {
            keys.add(k);
            return new ArrayDeque<>(capacity);
        });
    }

    private boolean full(T item) {
        if (slots == null) {
            return items.size() >= capacity;
        }
        ArrayDeque<T> slot = slot(item);
        if (slot.size() >= capacity) {
            return true;
        }
        return weigher != null && !slot.isEmpty()
                && bytesByKey.getOrDefault(keyOf.apply(item), 0L) + weigher.applyAsLong(item) > maxBytesPerKey;
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
        List<T> one = takeUpTo(1);
        return one.isEmpty() ? null : one.get(0);
    }

    /**
     * Up to {@code max} items, waiting for the first only: the rest are those waiting now, never waited for (a
     * detector worker batches what is ready, it does not add latency to fill a batch). Fair mode: at most one item
     * per key, taken in the round-robin order {@link #take} follows (a batch is one turn of the round); FIFO: the
     * oldest. Empty once the queue has ended and is empty.
     */
    public List<T> takeUpTo(int max) throws InterruptedException {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        lock.lockInterruptibly();
        try {
            while (size == 0) {
                if (ended) {
                    return List.of();
                }
                notEmpty.await();
            }
            List<T> out = removeUpTo(max);
            size -= out.size();
            for (T item : out) {
                count(item, -1);
            }
            notFull.signalAll(); // in fair mode the waiting producer may be another key's
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** FIFO: the oldest items; fair: the oldest of each key that has one, from the one after the key served last. */
    private List<T> removeUpTo(int max) {
        List<T> out = new ArrayList<>(Math.min(max, size));
        if (slots == null) {
            while (out.size() < max && !items.isEmpty()) {
                out.add(items.removeFirst());
            }
            return out;
        }
        int start = next;
        for (int i = 0; i < keys.size() && out.size() < max; i++) {
            int k = (start + i) % keys.size();
            ArrayDeque<T> slot = slots.get(keys.get(k));
            if (!slot.isEmpty()) {
                next = (k + 1) % keys.size();
                out.add(slot.removeFirst());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("queue " + name + " counted items it does not hold");
        }
        return out;
    }

    private void count(T item, int delta) {
        if (keyOf != null) {
            depthByKey.merge(keyOf.apply(item), delta, (a, b) -> a + b == 0 ? null : a + b);
        }
        if (weigher != null) {
            bytesByKey.merge(keyOf.apply(item), delta * weigher.applyAsLong(item), (a, b) -> a + b == 0 ? null : a + b);
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
