package io.edgecascade.cascade.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a camera's {@code use_cases:} list, as values: its name, its type and its own keys (text, numbers,
 * booleans, lists and maps of them, as the config gave them). The cascade makes the use case from it through a
 * {@link UseCaseMaker} when the run starts, and again after it failed {@code error_budget} frames in a row.
 *
 * @param name     the use case's name: its event lines and counts carry it
 * @param type     which use case ({@code line_crossing}, {@code occupancy}, {@code loitering}, a plug-in's)
 * @param settings its own keys, besides {@code name} and {@code type}
 */
public record UseCaseSpec(String name, String type, Map<String, Object> settings) {
    public UseCaseSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }
}
