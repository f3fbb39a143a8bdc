package io.edgecascade.cascade.api;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A line a use case adds to the events (its own {@code type}): written to the events file, shown on the page and sent
 * to every sink like the track events, e.g. {@code {"camera":"lobby","frame":120,"pts_ms":12000,"time":"...",
 * "type":"line_crossing","use_case":"door","direction":"forward","track_id":3,"label":"person","model":"people"}}.
 *
 * @param camera  the camera
 * @param frame   the frame the line is about (its index in the source)
 * @param ptsMs   that frame's presentation time
 * @param time    when that frame was decoded
 * @param useCase the use case's name ({@code use_cases[].name})
 * @param type    the line's type: lower case letters, digits and {@code _}, not one of the track events' types
 * @param fields  the line's own keys and values (text, numbers, booleans, lists and maps of them), in order
 */
public record UseCaseEvent(String camera, long frame, long ptsMs, Instant time, String useCase, String type,
        Map<String, Object> fields) {

    /** Types the track events and frame lines use: a use case's lines must not be mistaken for them. */
    public static final java.util.Set<String> RESERVED = java.util.Set.of("start", "update", "end", "frame");
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    /** Keys every line has already; a use case's fields must not replace them. */
    public static final java.util.Set<String> FIXED_KEYS = java.util.Set.of("camera", "frame", "pts_ms", "time",
            "type", "use_case");

    public UseCaseEvent {
        Objects.requireNonNull(camera, "camera");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(useCase, "useCase");
        checkType(type);
        for (String k : fields.keySet()) {
            if (FIXED_KEYS.contains(k)) {
                throw new IllegalArgumentException("a use case line cannot set '" + k + "': the pipeline writes it");
            }
        }
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** Throws when {@code type} is not a valid use-case line type. */
    public static void checkType(String type) {
        if (type == null || !TYPE.matcher(type).matches() || RESERVED.contains(type)) {
            throw new IllegalArgumentException("'" + type + "' is not a valid line type: use lower case letters,"
                    + " digits and _ (not " + String.join(", ", new java.util.TreeSet<>(RESERVED)) + ")");
        }
    }
}
