package io.edgecascade.app.config;

import java.util.ArrayList;
import java.util.List;

/** Collects config problems so that one pass reports all of them. */
final class Problems {
    private final List<String> list = new ArrayList<>();

    void add(String key, String message) {
        list.add(key.isEmpty() ? message : key + ": " + message);
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    List<String> list() {
        return List.copyOf(list);
    }
}
