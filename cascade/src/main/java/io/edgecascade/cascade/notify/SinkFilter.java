package io.edgecascade.cascade.notify;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which events a sink is told about ({@code filter:} of {@code mqtt} and of each webhook). Every part that is set must
 * hold; an empty set lets everything through.
 *
 * @param cameras  camera ids
 * @param labels   object labels ({@code person}, {@code car})
 * @param types    message types: {@code new}, {@code update}, {@code end} (use-case types as they come)
 * @param minScore the event's best score so far must reach this (0 = any)
 * @param zones    the event must have entered at least one of these zones
 */
public record SinkFilter(Set<String> cameras, Set<String> labels, Set<String> types, double minScore,
        Set<String> zones) {

    /** The message types a sink sends. */
    public static final List<String> TYPES = List.of("new", "update", "end");

    /** Everything. */
    public static final SinkFilter ALL = new SinkFilter(Set.of(), Set.of(), Set.of(), 0, Set.of());

    public SinkFilter {
        cameras = Set.copyOf(cameras);
        labels = Set.copyOf(labels);
        types = Set.copyOf(types);
        zones = Set.copyOf(zones);
        if (!(minScore >= 0 && minScore <= 1)) {
            throw new IllegalArgumentException("min_score must be 0..1");
        }
    }

    /**
     * Whether an event, as it stands now, is one for this sink: its camera and label are wanted, its best score reached
     * {@code minScore} and it entered a wanted zone. Once true for an event it stays true (scores and entered zones only
     * grow), so a sink that starts telling about an event tells its end too.
     */
    public boolean wants(String camera, String label, double topScore, Collection<String> enteredZones) {
        return (cameras.isEmpty() || cameras.contains(camera))
                && (labels.isEmpty() || labels.contains(label))
                && topScore >= minScore
                && (zones.isEmpty() || enteredZones.stream().anyMatch(zones::contains));
    }

    /** Whether messages of {@code type} are sent. */
    public boolean sends(String type) {
        return types.isEmpty() || types.contains(type);
    }

    /** Whether any of the camera's events can pass (a sink tells nothing about the other cameras). */
    public boolean watches(String camera) {
        return cameras.isEmpty() || cameras.contains(camera);
    }

    /** One line for {@code config validate}: what passes. */
    public String describe() {
        if (equals(ALL)) {
            return "every event";
        }
        StringBuilder b = new StringBuilder();
        part(b, "cameras", cameras);
        part(b, "labels", labels);
        part(b, "types", types);
        if (minScore > 0) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "score >= %.2f", minScore));
        }
        part(b, "entered zones", zones);
        return b.toString();
    }

    private static void part(StringBuilder b, String what, Set<String> values) {
        if (!values.isEmpty()) {
            b.append(b.length() == 0 ? "" : ", ").append(what).append(' ').append(String.join("|",
                    values.stream().sorted().toList()));
        }
    }
}
