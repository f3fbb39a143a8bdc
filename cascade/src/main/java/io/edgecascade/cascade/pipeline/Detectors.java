package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.detect.ObjectDetector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The engine sessions of the detector workers. Models that use the same file on the same engine share one
 * <em>session key</em>: each worker has one session per key, used by every camera and entry that runs one of those
 * models (a {@code people} and a {@code vehicles} entry of the same YOLOX file run on one session).
 *
 * @param workers    per worker, its first session of each key (opened before the run, where a model or engine problem
 *                   is a start-up error); each worker's sessions are used by that worker's thread only
 * @param reopen     per key, what opens a new session when a worker restarts one after {@code error_budget} failures in
 *                   a row
 * @param keyOfModel per model name ({@code models[].name}, what detect entries name), its session key
 */
public record Detectors(List<Map<String, ObjectDetector>> workers, Map<String, DetectorFactory> reopen,
        Map<String, String> keyOfModel) {

    public Detectors {
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("no detector worker");
        }
        List<Map<String, ObjectDetector>> copy = new ArrayList<>();
        for (Map<String, ObjectDetector> w : workers) {
            copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(w)));
        }
        workers = List.copyOf(copy);
        reopen = Map.copyOf(reopen);
        keyOfModel = Map.copyOf(keyOfModel);
        for (Map.Entry<String, String> e : keyOfModel.entrySet()) {
            for (Map<String, ObjectDetector> w : workers) {
                Objects.requireNonNull(w.get(e.getValue()), () -> "model " + e.getKey() + ": no session "
                        + e.getValue() + " in every worker");
            }
        }
    }

    /**
     * One model: one session per worker, under {@link io.edgecascade.cascade.api.TrackEvent#DEFAULT_MODEL} and each of
     * {@code names} (the names the cameras' detect entries give it).
     */
    public static Detectors single(List<ObjectDetector> perWorker, DetectorFactory reopen,
            java.util.Collection<String> names) {
        String key = io.edgecascade.cascade.api.TrackEvent.DEFAULT_MODEL;
        List<Map<String, ObjectDetector>> workers = new ArrayList<>();
        for (ObjectDetector d : perWorker) {
            workers.add(Map.of(key, d));
        }
        Map<String, String> keyOfModel = new LinkedHashMap<>();
        keyOfModel.put(key, key);
        names.forEach(n -> keyOfModel.put(n, key));
        return new Detectors(workers, Map.of(key, reopen), keyOfModel);
    }

    /** The session key of model {@code name}, or null. */
    public String key(String model) {
        return keyOfModel.get(model);
    }

    /** Every first session, each once. */
    public List<ObjectDetector> all() {
        List<ObjectDetector> out = new ArrayList<>();
        workers.forEach(w -> out.addAll(w.values()));
        return out;
    }

    /** The first session of the first model (its engine is the one the run reports). */
    public ObjectDetector first() {
        return workers.get(0).values().iterator().next();
    }
}
