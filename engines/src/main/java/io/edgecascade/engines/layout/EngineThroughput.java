package io.edgecascade.engines.layout;

import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.EngineRegistry;
import io.edgecascade.engines.InferenceEngine;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures layouts on the real engine: {@code workers} sessions of {@code threads} threads each run back to back
 * on their own threads for a short window, on a grey input (inference time does not depend on the pixels). Sessions
 * are opened once per thread count and shared between the layouts that need them; {@link #close()} frees them.
 */
public final class EngineThroughput implements ThroughputMeter, AutoCloseable {

    static final int MIN_RUNS = 3;

    private final EngineRegistry engines;
    private final String engine;
    private final EngineOptions options;
    private final long windowNanos;
    private final Map<Integer, List<InferenceEngine>> sessions = new HashMap<>();

    /** @param windowMillis how long each layout runs, after one warm-up inference per session */
    public EngineThroughput(EngineRegistry engines, String engine, EngineOptions options, long windowMillis) {
        this.engines = engines;
        this.engine = engine;
        this.options = options;
        this.windowNanos = windowMillis * 1_000_000L;
    }

    @Override
    public double inferencesPerSecond(WorkerLayout layout) throws EngineException {
        List<InferenceEngine> pool = sessions.computeIfAbsent(layout.threads(), t -> new ArrayList<>());
        while (pool.size() < layout.workers()) {
            InferenceEngine e = engines.open(engine, withThreads(layout.threads()));
            pool.add(e);
            for (int i = 0; i < e.inputs().size(); i++) {
                FloatBuffer b = e.input(i);
                while (b.hasRemaining()) {
                    b.put(114f);
                }
            }
            e.infer(); // first run allocates; not measured
        }
        AtomicLong done = new AtomicLong();
        AtomicReference<EngineException> failure = new AtomicReference<>();
        long deadline = System.nanoTime() + windowNanos;
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < layout.workers(); w++) {
            InferenceEngine e = pool.get(w);
            threads.add(new Thread(() -> {
                try {
                    // At least MIN_RUNS each: under load one inference can outlast the window, and a count of 0 or 1
                    // says nothing.
                    for (int n = 0; n < MIN_RUNS || System.nanoTime() < deadline; n++) {
                        e.infer();
                        done.incrementAndGet();
                    }
                } catch (EngineException ex) {
                    failure.compareAndSet(null, ex);
                }
            }, "layout-probe-" + w));
        }
        long t0 = System.nanoTime();
        threads.forEach(Thread::start);
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while measuring detector worker layouts", ex);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }

    private EngineOptions withThreads(int threads) {
        return new EngineOptions(options.model(), threads, options.device(), options.fp16(), options.int8(),
                options.cacheDir());
    }

    @Override
    public void close() {
        sessions.values().forEach(l -> l.forEach(InferenceEngine::close));
        sessions.clear();
    }
}
