package io.edgecascade.cascade.pipeline;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of a camera's {@code detect:} list: which model runs on the camera, on which frames, and what of its
 * results counts. An entry with {@code after} runs its model on the boxes another entry found in the same frame (a
 * cascade inside the cascade) and attaches its answers to those objects as attributes.
 *
 * @param name     the entry's name, carried by every event line it makes ({@code "model": name}); defaults to the
 *                 model's name in the config
 * @param model    the model it runs ({@code models[].name})
 * @param classes  the labels it keeps; empty: the camera's {@code detector.classes} (an {@code after:} entry: any)
 * @param minScore least score of a detection (of an answer, for an {@code after:} entry); NaN: the camera's
 *                 {@code detector.confidence}
 * @param cadence  on which of the frames it could run it does
 * @param after    the entry whose boxes it runs on, or null for an entry that looks at whole frames
 */
public record DetectEntry(String name, String model, Set<String> classes, float minScore, Cadence cadence,
        String after) {

    /** The entry of a camera configured without {@code detect:} in a cascade built in code: the one model. */
    public static final DetectEntry DEFAULT = new DetectEntry(io.edgecascade.cascade.api.TrackEvent.DEFAULT_MODEL,
            io.edgecascade.cascade.api.TrackEvent.DEFAULT_MODEL, Set.of(), Float.NaN, Cadence.GATED, null);

    /** Names of entries and models: what an event line's {@code model} may hold. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public DetectEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(cadence, "cadence");
        classes = Set.copyOf(classes);
        if (!(Float.isNaN(minScore) || minScore >= 0 && minScore <= 1)) {
            throw new IllegalArgumentException("min_score must be 0..1");
        }
    }

    /** True for an entry that runs on another entry's boxes. */
    public boolean secondary() {
        return after != null;
    }

    /** Its least score on a camera whose {@code detector.confidence} is {@code confidence}. */
    public float minScore(float confidence) {
        return Float.isNaN(minScore) ? confidence : minScore;
    }

    /**
     * When an entry runs, among the frames it could run on (the frames the gate passes; for an {@code after:} entry,
     * the frames its entry ran on).
     *
     * @param everyN     {@code every_n}: the 1st, (n+1)th, (2n+1)th... of them
     * @param intervalMs {@code interval_ms}: the first, then the first at least this much later (stream time)
     */
    public record Cadence(Kind kind, int everyN, long intervalMs) {

        /** {@code every: gated}: every frame it could run on. */
        public static final Cadence GATED = new Cadence(Kind.GATED, 1, 0);

        /** The kinds of cadence. */
        public enum Kind {
            GATED, EVERY_N, INTERVAL
        }

        public Cadence {
            Objects.requireNonNull(kind, "kind");
            if (everyN < 1 || intervalMs < 0) {
                throw new IllegalArgumentException("every_n must be at least 1, interval_ms at least 0");
            }
        }

        public static Cadence everyN(int n) {
            return new Cadence(Kind.EVERY_N, n, 0);
        }

        public static Cadence interval(long ms) {
            return new Cadence(Kind.INTERVAL, 1, ms);
        }

        /** As the config says it: {@code every: gated}, {@code every_n: 10}, {@code interval_ms: 2000}. */
        public String describe() {
            return switch (kind) {
                case GATED -> "every gated frame";
                case EVERY_N -> "every " + ordinal(everyN) + " gated frame";
                case INTERVAL -> "every " + intervalMs + " ms";
            };
        }

        /** 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st. */
        static String ordinal(int n) {
            int tens = n % 100;
            String suffix = tens >= 11 && tens <= 13 ? "th" : switch (n % 10) {
                case 1 -> "st";
                case 2 -> "nd";
                case 3 -> "rd";
                default -> "th";
            };
            return n + suffix;
        }
    }
}
