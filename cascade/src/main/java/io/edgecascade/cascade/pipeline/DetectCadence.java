package io.edgecascade.cascade.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, for each frame a camera's gate passes, which of its detect entries run on it ({@code every: gated},
 * {@code every_n}, {@code interval_ms}; an {@code after:} entry counts the frames its entry runs on), in stream time,
 * on the capture thread. An entry that was due on a frame a live camera dropped before a detector took it (a newer
 * frame replaced it) is owed: it runs on the next frame instead, so an every-tenth-frame entry keeps its cadence
 * however busy the detectors are. Thread-safe (frames are dropped on the capture thread and, for offline markers, on
 * the supervisor's).
 */
final class DetectCadence {

    private final List<DetectEntry> entries;
    private final Map<String, Long> seen = new HashMap<>();
    private final Map<String, Long> lastRunPts = new HashMap<>();
    private final Set<String> owed = new LinkedHashSet<>();

    DetectCadence(List<DetectEntry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * The entries that run on the gated frame at {@code ptsMs}: those that find boxes first, then those that run after
     * them, each in config order; empty when none is due.
     */
    synchronized List<DetectEntry> due(long ptsMs) {
        List<DetectEntry> primaries = new ArrayList<>();
        Set<String> running = new LinkedHashSet<>();
        for (DetectEntry e : entries) {
            if (!e.secondary() && (counts(e, ptsMs) | owed.remove(e.name()))) {
                primaries.add(e);
                running.add(e.name());
            }
        }
        List<DetectEntry> out = new ArrayList<>(primaries);
        for (DetectEntry e : entries) {
            if (e.secondary() && running.contains(e.after()) && (counts(e, ptsMs) | owed.remove(e.name()))) {
                out.add(e);
            }
        }
        return out;
    }

    /** One more frame the entry could run on; true when its cadence makes it run on this one. */
    private boolean counts(DetectEntry e, long ptsMs) {
        DetectEntry.Cadence c = e.cadence();
        long n = seen.merge(e.name(), 1L, Long::sum) - 1;
        boolean run = switch (c.kind()) {
            case GATED -> true;
            case EVERY_N -> n % c.everyN() == 0;
            case INTERVAL -> {
                Long last = lastRunPts.get(e.name());
                yield last == null || ptsMs - last >= c.intervalMs() || ptsMs < last; // a stream that restarted
            }
        };
        if (run) {
            lastRunPts.put(e.name(), ptsMs);
        }
        return run;
    }

    /** A frame these entries were due on was dropped before they ran: they run on the next frame instead. */
    synchronized void owe(List<DetectEntry> dropped) {
        for (DetectEntry e : dropped) {
            if (e.cadence().kind() != DetectEntry.Cadence.Kind.GATED) {
                owed.add(e.name());
            }
        }
    }
}
