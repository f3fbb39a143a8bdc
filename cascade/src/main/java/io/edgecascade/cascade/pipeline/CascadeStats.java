package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.LookSkip;
import io.edgecascade.cascade.api.Outcome;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.Stage;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts every camera's frame outcomes; the source of the summary and the progress log. Stage times are the
 * metrics' and the benchmark's business (their own observers), so they are not kept here.
 */
public final class CascadeStats implements PipelineObserver {

    /** One camera's counters at one moment. */
    public record CameraCounts(long decoded, long motion, long motionSkipped, long detected, long positive,
            long dropped, long decodeErrors, long detectorErrors, long reconnects, long stalls, String state,
            String lastError, long streamMs, Map<LookSkip, Long> looksSkipped) {

        public CameraCounts {
            Map<LookSkip, Long> m = new EnumMap<>(LookSkip.class);
            m.putAll(looksSkipped);
            looksSkipped = java.util.Collections.unmodifiableMap(m);
        }

        /** Counts without stream time and skipped looks. */
        public CameraCounts(long decoded, long motion, long motionSkipped, long detected, long positive,
                long dropped, long decodeErrors, long detectorErrors, long reconnects, long stalls, String state,
                String lastError) {
            this(decoded, motion, motionSkipped, detected, positive, dropped, decodeErrors, detectorErrors, reconnects,
                    stalls, state, lastError, 0, Map.of());
        }

        /** Looks of the detector (frames detected) per second of the camera's stream time; 0 before a second. */
        public double looksPerSecond() {
            return streamMs < 1000 ? 0 : detected * 1000.0 / streamMs;
        }

        /** Looks skipped (or narrowed) for {@code why}. */
        public long looksSkipped(LookSkip why) {
            return looksSkipped.getOrDefault(why, 0L);
        }

        /** Counts of a camera without connection health (a file). */
        public CameraCounts(long decoded, long motion, long motionSkipped, long detected, long positive,
                long dropped, long decodeErrors, long detectorErrors) {
            this(decoded, motion, motionSkipped, detected, positive, dropped, decodeErrors, detectorErrors, 0, 0, null,
                    null);
        }
    }

    private static final class Camera {
        final EnumMap<Outcome, AtomicLong> outcomes = new EnumMap<>(Outcome.class);
        /** Runs per detect entry, every entry of the config listed (read while others are added). */
        final Map<String, AtomicLong> runs = new java.util.concurrent.ConcurrentHashMap<>();
        final List<String> entries;
        final AtomicReference<String> error = new AtomicReference<>();
        final AtomicLong reconnects = new AtomicLong();
        final AtomicLong stalls = new AtomicLong();
        final EnumMap<LookSkip, AtomicLong> skipped = new EnumMap<>(LookSkip.class);
        /** Stream time seen so far (a file that loops adds each pass) and the last frame's, written by one thread. */
        volatile long streamMs;
        volatile long lastPtsMs = Long.MIN_VALUE;
        volatile String state;
        volatile String lastError;

        Camera(List<String> entries) {
            this.entries = List.copyOf(entries);
            for (Outcome o : Outcome.values()) {
                outcomes.put(o, new AtomicLong());
            }
            for (LookSkip w : LookSkip.values()) {
                skipped.put(w, new AtomicLong());
            }
            entries.forEach(e -> runs.put(e, new AtomicLong()));
        }

        long get(Outcome o) {
            return outcomes.get(o).get();
        }
    }

    private final Map<String, Camera> cameras = new LinkedHashMap<>();

    /** Statistics of cameras with one detect entry each ({@link DetectEntry#DEFAULT}). */
    public CascadeStats(List<String> cameraIds) {
        for (String id : cameraIds) {
            cameras.put(id, new Camera(List.of(DetectEntry.DEFAULT.name())));
        }
    }

    /** @param entries per camera id, the names of its detect entries in config order */
    public CascadeStats(Map<String, List<String>> entries) {
        entries.forEach((id, names) -> cameras.put(id, new Camera(names)));
    }

    @Override
    public void modelRun(String camera, String model) {
        cameras.get(camera).runs.computeIfAbsent(model, m -> new AtomicLong()).incrementAndGet();
    }

    /** Runs per camera and detect entry so far: camera id -> entry name -> runs, in config order. */
    public Map<String, Map<String, Long>> modelRuns() {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        cameras.forEach((id, c) -> {
            Map<String, Long> m = new LinkedHashMap<>();
            c.entries.forEach(e -> m.put(e, c.runs.get(e).get()));
            c.runs.forEach((e, n) -> m.putIfAbsent(e, n.get()));
            out.put(id, m);
        });
        return out;
    }

    @Override
    public void frame(String camera, Outcome outcome) {
        cameras.get(camera).outcomes.get(outcome).incrementAndGet();
    }

    @Override
    public void lookSkipped(String camera, LookSkip why) {
        cameras.get(camera).skipped.get(why).incrementAndGet();
    }

    /**
     * The camera's capture thread read a frame at {@code ptsMs}: stream time adds up from frame to frame (a stream that
     * starts again, a looped file, adds nothing for its jump back).
     */
    void streamAt(String camera, long ptsMs) {
        Camera c = cameras.get(camera);
        long last = c.lastPtsMs;
        if (last != Long.MIN_VALUE && ptsMs > last) {
            c.streamMs += ptsMs - last;
        }
        c.lastPtsMs = ptsMs;
    }

    @Override
    public void cameraHealth(String camera, io.edgecascade.cascade.api.CameraState state, String lastError) {
        Camera c = cameras.get(camera);
        c.state = state.label();
        if (lastError != null) {
            c.lastError = lastError;
        }
    }

    @Override
    public void reconnected(String camera) {
        cameras.get(camera).reconnects.incrementAndGet();
    }

    @Override
    public void stalled(String camera) {
        cameras.get(camera).stalls.incrementAndGet();
    }

    /** Records why a camera stopped early; shown in the summary. */
    public void failed(String camera, String message) {
        cameras.get(camera).error.set(message);
    }

    public List<String> cameraIds() {
        return List.copyOf(cameras.keySet());
    }

    public CameraCounts counts(String camera) {
        Camera c = cameras.get(camera);
        return new CameraCounts(c.get(Outcome.DECODED), c.get(Outcome.MOTION), c.get(Outcome.MOTION_SKIPPED),
                c.get(Outcome.DETECTED), c.get(Outcome.POSITIVE), c.get(Outcome.DROPPED),
                c.get(Outcome.DECODE_ERROR), c.get(Outcome.DETECTOR_ERROR), c.reconnects.get(), c.stalls.get(),
                c.state, c.lastError, c.streamMs, skipped(c));
    }

    private static Map<LookSkip, Long> skipped(Camera c) {
        Map<LookSkip, Long> out = new EnumMap<>(LookSkip.class);
        c.skipped.forEach((w, n) -> out.put(w, n.get()));
        return out;
    }

    /** The error that ended the camera, or null. */
    public String error(String camera) {
        return cameras.get(camera).error.get();
    }

    /** Snapshot of every camera, in config order. */
    public Map<String, CameraCounts> snapshot() {
        Map<String, CameraCounts> out = new LinkedHashMap<>();
        for (String id : cameras.keySet()) {
            out.put(id, counts(id));
        }
        return out;
    }
}
