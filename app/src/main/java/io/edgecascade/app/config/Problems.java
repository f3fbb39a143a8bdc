package io.edgecascade.app.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects config problems so that one pass reports all of them, and the warnings: settings that work but that a
 * user should reconsider (a page open to the network without a token).
 */
final class Problems {
    private final List<String> list = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    void add(String key, String message) {
        list.add(key.isEmpty() ? message : key + ": " + message);
    }

    void warn(String key, String message) {
        warnings.add(key.isEmpty() ? message : key + ": " + message);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    List<String> list() {
        return List.copyOf(list);
    }
}
