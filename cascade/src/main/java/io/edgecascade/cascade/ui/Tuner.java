package io.edgecascade.cascade.ui;

import java.util.Map;

/**
 * Applies a camera's tunable values sent from the page ({@code motion.threshold}, {@code motion.min_area},
 * {@code detector.confidence}): checks them with the config's rules, applies them at once and, when asked, writes
 * them back into the config file. Implemented by the application, which owns the config.
 */
public interface Tuner {

    /** The answer to the page: an HTTP status and one line saying what happened or what is wrong. */
    record Result(int status, String message) {
    }

    /** @param values the keys sent, e.g. {@code threshold: 30}, {@code min_area: 0.001}, {@code confidence: 0.5} */
    Result tune(String camera, Map<String, Object> values);
}
