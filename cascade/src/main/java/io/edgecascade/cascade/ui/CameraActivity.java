package io.edgecascade.cascade.ui;

import io.edgecascade.cascade.api.Outcome;
import io.edgecascade.cascade.api.PipelineObserver;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each camera's recent activity for the page: up or not, frames per second and the gate's pass ratio over the
 * last {@value #WINDOW_SECONDS} whole seconds (so a change of {@code threshold} shows within seconds, not
 * diluted by the whole run), and the detector runs so far.
 */
public final class CameraActivity implements PipelineObserver {

    static final int WINDOW_SECONDS = 3;

    /** What the page shows of a camera now. */
    public record Now(boolean up, double fps, double passRatio, long detectorRuns) {
    }

    private static final class Camera {
        volatile boolean up;
        final AtomicLong detected = new AtomicLong();
        /** Per second of the clock (index second % length): decoded and gate-rejected frames. */
        final long[] second = new long[WINDOW_SECONDS + 2];
        final long[] decoded = new long[WINDOW_SECONDS + 2];
        final long[] skipped = new long[WINDOW_SECONDS + 2];
        /** The second of the last decoded frame: its gate verdict counts in the same second, even a moment later. */
        long lastDecodedSecond;

        synchronized void add(long nowSecond, boolean isDecoded) {
            if (isDecoded) {
                lastDecodedSecond = nowSecond;
            } else {
                nowSecond = lastDecodedSecond;
            }
            int i = (int) (nowSecond % second.length);
            if (second[i] != nowSecond) {
                second[i] = nowSecond;
                decoded[i] = 0;
                skipped[i] = 0;
            }
            if (isDecoded) {
                decoded[i]++;
            } else {
                skipped[i]++;
            }
        }

        synchronized long[] window(long nowSecond) {
            long d = 0;
            long s = 0;
            for (long sec = nowSecond - WINDOW_SECONDS; sec < nowSecond; sec++) {
                int i = (int) (sec % second.length);
                if (second[i] == sec) {
                    d += decoded[i];
                    s += skipped[i];
                }
            }
            return new long[] {d, s};
        }
    }

    private final Map<String, Camera> cameras = new LinkedHashMap<>();

    public CameraActivity(List<String> cameraIds) {
        cameraIds.forEach(id -> cameras.put(id, new Camera()));
    }

    @Override
    public void frame(String camera, Outcome outcome) {
        Camera c = cameras.get(camera);
        if (c == null) {
            return;
        }
        switch (outcome) {
            case DECODED -> c.add(System.currentTimeMillis() / 1000, true);
            case MOTION_SKIPPED -> c.add(System.currentTimeMillis() / 1000, false);
            case DETECTED -> c.detected.incrementAndGet();
            default -> {
            }
        }
    }

    @Override
    public void cameraState(String camera, boolean up) {
        Camera c = cameras.get(camera);
        if (c != null) {
            c.up = up;
        }
    }

    /** A camera's activity now, or null for an unknown id. */
    public Now now(String camera) {
        Camera c = cameras.get(camera);
        if (c == null) {
            return null;
        }
        long[] w = c.window(System.currentTimeMillis() / 1000);
        double ratio = w[0] == 0 ? 0 : (w[0] - Math.min(w[0], w[1])) / (double) w[0];
        return new Now(c.up, w[0] / (double) WINDOW_SECONDS, ratio, c.detected.get());
    }
}
