package io.edgecascade.cascade.pipeline;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded buffer between two stages. Producers {@link #put} (wait for room: no frame is lost) or
 * {@link #offer} (give up when full: a live source must not fall behind); after the last producer calls
 * {@link #end()}, every consumer's {@link #take()} returns null once the queue is drained.
 */
public final class StageQueue<T> {

    private final String name;
    private final int capacity;
    private final ArrayDeque<T> items;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private boolean ended;

    public StageQueue(String name, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.name = name;
        this.capacity = capacity;
        this.items = new ArrayDeque<>(capacity);
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
            notFull.signal();
            return item;
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
