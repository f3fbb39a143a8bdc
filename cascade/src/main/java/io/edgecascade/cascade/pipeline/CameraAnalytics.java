package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.detect.ObjectFilters;
import io.edgecascade.cascade.tracking.StationarySettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a camera does with its gated frames besides gating them: which models run on them and when
 * ({@code detect:}), which detections count ({@code detector.filters}), when a tracked object is stationary
 * ({@code detector.stationary}), which zones make an event an alert ({@code required_zones}) and the use cases that
 * see the results ({@code use_cases:}).
 *
 * @param detect        the detect entries, in config order; at least one finds boxes (has no {@code after})
 * @param filters       per label, which detections count
 * @param stationary    when an object counts as stationary
 * @param requiredZones an event is an alert once its object entered one of these (empty: every event)
 * @param useCases      the camera's use cases, in config order
 */
public record CameraAnalytics(List<DetectEntry> detect, ObjectFilters filters, StationarySettings stationary,
        Set<String> requiredZones, List<UseCaseSpec> useCases) {

    /** One model on every gated frame, no filters, stationary objects with the defaults, no use cases. */
    public static final CameraAnalytics DEFAULT = new CameraAnalytics(List.of(DetectEntry.DEFAULT),
            ObjectFilters.NONE, StationarySettings.DEFAULTS, Set.of(), List.of());

    public CameraAnalytics {
        detect = List.copyOf(detect);
        Objects.requireNonNull(filters, "filters");
        Objects.requireNonNull(stationary, "stationary");
        requiredZones = Set.copyOf(requiredZones);
        useCases = List.copyOf(useCases);
        Set<String> names = new HashSet<>();
        for (DetectEntry e : detect) {
            if (!names.add(e.name())) {
                throw new IllegalArgumentException("two detect entries are named '" + e.name() + "'");
            }
        }
        for (DetectEntry e : detect) {
            if (e.secondary() && (!names.contains(e.after()) || entry(detect, e.after()).secondary())) {
                throw new IllegalArgumentException("detect entry '" + e.name() + "' runs after '" + e.after()
                        + "', which is not an entry that finds boxes");
            }
        }
        if (primaries(detect).isEmpty()) {
            throw new IllegalArgumentException("no detect entry finds boxes: every one runs after another");
        }
        Set<String> useCaseNames = new HashSet<>();
        for (UseCaseSpec u : useCases) {
            if (!useCaseNames.add(u.name())) {
                throw new IllegalArgumentException("two use cases are named '" + u.name() + "'");
            }
        }
    }

    /** The entries that look at whole frames (those without {@code after}), in order. */
    public List<DetectEntry> primaries() {
        return primaries(detect);
    }

    /** Their names. */
    public List<String> primaryNames() {
        return primaries().stream().map(DetectEntry::name).toList();
    }

    private static List<DetectEntry> primaries(List<DetectEntry> entries) {
        List<DetectEntry> out = new ArrayList<>();
        for (DetectEntry e : entries) {
            if (!e.secondary()) {
                out.add(e);
            }
        }
        return out;
    }

    private static DetectEntry entry(List<DetectEntry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    /** These analytics with other detect entries. */
    public CameraAnalytics withDetect(List<DetectEntry> entries) {
        return new CameraAnalytics(entries, filters, stationary, requiredZones, useCases);
    }

    /** These analytics with other use cases. */
    public CameraAnalytics withUseCases(List<UseCaseSpec> specs) {
        return new CameraAnalytics(detect, filters, stationary, requiredZones, specs);
    }

    /** These analytics with other filters. */
    public CameraAnalytics withFilters(ObjectFilters f) {
        return new CameraAnalytics(detect, f, stationary, requiredZones, useCases);
    }

    /** These analytics with other stationary settings. */
    public CameraAnalytics withStationary(StationarySettings s) {
        return new CameraAnalytics(detect, filters, s, requiredZones, useCases);
    }
}
