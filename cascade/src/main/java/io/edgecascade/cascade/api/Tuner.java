package io.edgecascade.cascade.api;

import java.util.Map;

/**
 * Applies a camera's tunable values at run time, from the web page or an MQTT command: {@code threshold}
 * ({@code motion.threshold}), {@code min_area} ({@code motion.min_area}), {@code confidence}
 * ({@code detector.confidence}) and {@code detect} (detection on or off). It checks them with the config's rules, applies
 * them at once and, when asked, writes them back into the config file. Implemented by the application, which owns the
 * config; whoever sends values sees only this.
 */
@FunctionalInterface
public interface Tuner {

    /** The answer: an HTTP status (200 applied, 400 a bad value, 404 no such camera) and one line saying what happened. */
    record Result(int status, String message) {
        public boolean applied() {
            return status == 200;
        }
    }

    /** @param values the keys sent, e.g. {@code threshold: 30}, {@code min_area: 0.001}, {@code confidence: 0.5} */
    Result tune(String camera, Map<String, Object> values);

    /**
     * The camera's tunable values now ({@code threshold}, {@code min_area}, {@code confidence}, {@code detect}), for
     * whoever confirms them (MQTT state topics); empty for an unknown camera.
     */
    default Map<String, Object> values(String camera) {
        return Map.of();
    }
}
