package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.PipelineObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what the failure model reports: per-frame errors by camera and stage, restarts, frames a sink skipped. */
class RecordingObserver implements PipelineObserver {

    final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> restarts = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> sinkDropped = new ConcurrentHashMap<>();

    @Override
    public void error(String camera, String stage) {
        errors.computeIfAbsent(camera + "/" + stage, k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void restarted(String stage) {
        restarts.computeIfAbsent(stage, k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void sinkDropped(String camera, String sink) {
        sinkDropped.computeIfAbsent(camera + "/" + sink, k -> new AtomicLong()).incrementAndGet();
    }

    long errors(String camera, String stage) {
        AtomicLong n = errors.get(camera + "/" + stage);
        return n == null ? 0 : n.get();
    }

    long restarts(String stage) {
        AtomicLong n = restarts.get(stage);
        return n == null ? 0 : n.get();
    }

    long droppedFor(String camera, String sink) {
        AtomicLong n = sinkDropped.get(camera + "/" + sink);
        return n == null ? 0 : n.get();
    }
}
