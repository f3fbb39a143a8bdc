package io.edgecascade.cascade.pipeline;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The bounded buffer between two stages. Producers {@link #put} (wait for room: no frame is lost) or
 * {@link #offer} (give up when full: a live source must not fall behind); after the last producer calls
 * {@link #end()}, every consumer's {@link #take()} returns null once the queue is drained. A queue made with a
 * key function (the camera of a frame) also counts what waits per key, for the per-camera queue-depth metric.
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
    private boolean ended;

    public StageQueue(String name, int capacity) {
        this(name, capacity, null);
    }

    /** @param keyOf the key each item is counted under in {@link #depthByKey()}, or null to count none */
    public StageQueue(String name, int capacity, Function<? super T, String> keyOf) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.name = name;
        this.capacity = capacity;
        this.items = new ArrayDeque<>(capacity);
        this.keyOf = keyOf;
    }

    public String name() {
        return name;
    }

    public int capacity() {
        return capacity;
    }

    /** Adds, waiting while the queue is full. */
    public void put(T item) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            checkOpen();
            while (items.size() >= capacity) {
                notFull.await();
            }
            items.addLast(item);
            count(item, 1);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Adds without waiting; false when the queue is full. */
    public boolean offer(T item) {
        lock.lock();
        try {
            checkOpen();
            if (items.size() >= capacity) {
                return false;
            }
            items.addLast(item);
            count(item, 1);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (ended) {
            throw new IllegalStateException("queue " + name + " has ended");
        }
    }

    /** Marks the end of the stream: no more puts; consumers finish what is queued, then get null. */
    public void end() {
        lock.lock();
        try {
            ended = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The next item, waiting for one; null once the queue has ended and is empty. */
    public T take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (items.isEmpty()) {
                if (ended) {
                    return null;
                }
                notEmpty.await();
            }
            T item = items.removeFirst();
            count(item, -1);
            notFull.signal();
            return item;
        } finally {
            lock.unlock();
        }
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
            return items.size();
        } finally {
            lock.unlock();
        }
    }
}
