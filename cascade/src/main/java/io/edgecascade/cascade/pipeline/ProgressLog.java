package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.LookSkip;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line per camera with what happened since the last line: fps, gate pass ratio, detector work, and the looks
 * its tracked objects saved.
 */
final class ProgressLog implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

    private final CascadeStats stats;
    private final Map<String, CascadeStats.CameraCounts> last = new HashMap<>();
    private long lastNanos = System.nanoTime();

    ProgressLog(CascadeStats stats) {
        this.stats = stats;
    }

    @Override
    public void run() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
        lastNanos = now;
        for (String id : stats.cameraIds()) {
            CascadeStats.CameraCounts c = stats.counts(id);
            CascadeStats.CameraCounts p = last.getOrDefault(id,
                    new CascadeStats.CameraCounts(0, 0, 0, 0, 0, 0, 0, 0));
            last.put(id, c);
            long decoded = c.decoded() - p.decoded();
            long detected = c.detected() - p.detected();
            long known = 0;
            for (LookSkip w : LookSkip.values()) {
                known += c.looksSkipped(w) - p.looksSkipped(w);
            }
            LOG.info(String.format(Locale.ROOT,
                    "camera %s: %.1f fps, gate passed %.1f%%, %d detector runs, %d positive, %d dropped,"
                            + " %d decode errors, %d looks skipped for tracked objects", id, decoded / seconds,
                    decoded == 0 ? 0.0 : 100.0 * detected / decoded, detected, c.positive() - p.positive(),
                    c.dropped() - p.dropped(), c.decodeErrors() - p.decodeErrors(), known));
        }
    }
}
