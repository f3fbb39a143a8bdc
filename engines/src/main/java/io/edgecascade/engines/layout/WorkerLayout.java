package io.edgecascade.engines.layout;

import java.util.ArrayList;
import java.util.List;

/**
 * How the detector stage uses the box: {@code workers} detector workers, each with its own engine session of
 * {@code threads} intra-op threads.
 */
public record WorkerLayout(int workers, int threads) {

    public WorkerLayout {
        if (workers < 1 || threads < 1) {
            throw new IllegalArgumentException("workers and threads must be at least 1, got " + workers + "x"
                    + threads);
        }
    }

    /** The layouts worth measuring on {@code cores} cores: every workers x threads that fits in them, at most 8 workers. */
    public static List<WorkerLayout> candidates(int cores) {
        int budget = Math.max(1, cores);
        List<WorkerLayout> out = new ArrayList<>();
        for (int w = 1; w <= Math.min(8, budget); w++) {
            for (int t = 1; w * t <= budget; t++) {
                out.add(new WorkerLayout(w, t));
            }
        }
        return List.copyOf(out);
    }

    /** {@code 2x1}: workers x threads. */
    @Override
    public String toString() {
        return workers + "x" + threads;
    }

    /** Parses {@link #toString()}. */
    public static WorkerLayout parse(String s) {
        int x = s.indexOf('x');
        if (x < 1) {
            throw new IllegalArgumentException("not a layout: " + s);
        }
        return new WorkerLayout(Integer.parseInt(s.substring(0, x).trim()), Integer.parseInt(s.substring(x + 1).trim()));
    }
}
