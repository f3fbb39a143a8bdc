package io.edgecascade.app.config;

import io.edgecascade.cascade.api.Area;
import io.edgecascade.cascade.detect.ObjectFilter;
import io.edgecascade.cascade.motion.Zone;
import io.edgecascade.cascade.pipeline.DetectEntry;
import io.edgecascade.cascade.pipeline.UseCaseSpec;
import io.edgecascade.cascade.tracking.StationarySettings;
import io.edgecascade.cascade.usecase.PolygonArea;
import io.edgecascade.cascade.usecase.SettingsView;
import io.edgecascade.cascade.usecase.UseCaseRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads what a camera does after its gate besides the detector's basic settings: its {@code detect:} entries, the
 * {@code detector.filters} per label and {@code detector.stationary}, its {@code required_zones} and its
 * {@code use_cases:}. Every problem names its key and the fix.
 */
final class AnalyticsConfig {

    private static final Pattern USE_CASE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final String CADENCE = "every: gated (every frame the gate passes, the default), every_n: N or"
            + " interval_ms: T";

    private AnalyticsConfig() {
    }

    /**
     * A camera's {@code detect:} entries; without the key, one entry of the first model that finds boxes (named after
     * it, on every gated frame).
     */
    static List<DetectEntry> detect(Section c, List<ModelsConfig.Model> models) {
        Map<String, ModelsConfig.Model> byName = new LinkedHashMap<>();
        models.forEach(m -> byName.put(m.name(), m));
        if (!c.has("detect")) {
            return models.stream().filter(ModelsConfig.Model::findsBoxes).findFirst()
                    .map(m -> List.of(new DetectEntry(m.name(), m.name(), Set.of(), Float.NaN,
                            DetectEntry.Cadence.GATED, null)))
                    .orElse(List.of());
        }
        List<Section> sections = c.sections("detect");
        if (sections.isEmpty()) {
            c.problem("detect", "is empty; list at least one entry, e.g. [{model: " + first(byName) + "}], or leave"
                    + " detect: out to run the first model on every frame the gate passes");
            return List.of();
        }
        List<DetectEntry> entries = new ArrayList<>();
        Map<String, Section> sectionOf = new HashMap<>();
        for (Section e : sections) {
            DetectEntry entry = entry(e, byName);
            if (entry == null) {
                continue;
            }
            if (sectionOf.putIfAbsent(entry.name(), e) != null) {
                e.problem("name", "'" + entry.name() + "' is used by two detect entries of this camera; give one a"
                        + " name: of its own (it names the events it makes)");
                continue;
            }
            entries.add(entry);
        }
        checkAfter(entries, sectionOf, byName);
        return entries;
    }

    private static String first(Map<String, ModelsConfig.Model> models) {
        return models.isEmpty() ? "people" : models.keySet().iterator().next();
    }

    private static DetectEntry entry(Section e, Map<String, ModelsConfig.Model> models) {
        String modelName = e.string("model", null);
        if (modelName == null) {
            if (models.size() == 1) {
                modelName = first(models);
            } else {
                e.problem("model", "is required: name one of the models (" + String.join(", ", models.keySet())
                        + ")");
            }
        }
        ModelsConfig.Model model = modelName == null ? null : models.get(modelName);
        if (modelName != null && model == null && !models.isEmpty()) {
            e.problem("model", "'" + modelName + "' is not a model of the config; models: "
                    + String.join(", ", models.keySet()));
        }
        String name = e.string("name", modelName);
        if (name != null && !DetectEntry.NAME.matcher(name).matches()) {
            e.problem("name", "'" + name + "' is not a valid name; use letters, digits, '_', '-', '.' (up to 64)");
            name = null;
        }
        List<String> classes = e.strings("classes", List.of());
        if (e.has("classes") && classes.isEmpty()) {
            e.problem("classes", "is empty; list the labels this entry keeps, e.g. [person], or leave it out");
        }
        if (model != null && model.labels() != null) {
            for (String l : classes) {
                if (!model.labels().contains(l)) {
                    e.problem("classes", "'" + l + "' is not a label of model " + model.name() + "; its labels"
                            + " include " + String.join(", ", model.labels().subList(0, Math.min(8,
                            model.labels().size()))) + (model.labels().size() > 8 ? ", ..." : ""));
                }
            }
        }
        DetectEntry.Cadence cadence = cadence(e);
        String after = e.string("after", null);
        double minScore = e.number("min_score", Double.NaN, 0, 1, false);
        e.finish();
        if (model != null && !model.findsBoxes() && after == null) {
            e.problem("after", "is required: model " + model.name() + " is a " + model.config().type() + ", which"
                    + " runs on the boxes of another entry; add after: <the entry whose boxes it looks at>");
        }
        if ("score".equals(name) && after != null) {
            e.problem("name", "'score' is taken by the attribute's score; give the entry another name");
        }
        if (name == null || model == null) {
            return null;
        }
        return new DetectEntry(name, model.name(), new LinkedHashSet<>(classes), (float) minScore, cadence, after);
    }

    /** {@code every: gated}, {@code every_n: N} or {@code interval_ms: T}: one at most. */
    private static DetectEntry.Cadence cadence(Section e) {
        List<String> given = new ArrayList<>();
        for (String k : List.of("every", "every_n", "interval_ms")) {
            if (e.has(k)) {
                given.add(k);
            }
        }
        e.choice("every", "gated", List.of("gated"));
        int everyN = (int) e.integer("every_n", 1, 1, 1_000_000);
        long interval = e.integer("interval_ms", 1, 1, 86_400_000);
        if (given.size() > 1) {
            e.problem(given.get(1), "is given together with " + given.get(0) + "; give one of " + CADENCE);
            return DetectEntry.Cadence.GATED;
        }
        if (given.contains("every_n")) {
            return everyN == 1 ? DetectEntry.Cadence.GATED : DetectEntry.Cadence.everyN(everyN);
        }
        if (given.contains("interval_ms")) {
            return DetectEntry.Cadence.interval(interval);
        }
        return DetectEntry.Cadence.GATED; // every: gated, given or not
    }

    /**
     * Each {@code after:} names an entry of the camera that finds boxes: not itself, not an entry that runs after
     * another (a chain), no cycle; at least one entry finds boxes.
     */
    private static void checkAfter(List<DetectEntry> entries, Map<String, Section> sectionOf,
            Map<String, ModelsConfig.Model> models) {
        Map<String, DetectEntry> byName = new LinkedHashMap<>();
        entries.forEach(e -> byName.put(e.name(), e));
        Set<String> reported = new HashSet<>();
        for (DetectEntry e : entries) {
            if (!e.secondary()) {
                continue;
            }
            Section s = sectionOf.get(e.name());
            DetectEntry parent = byName.get(e.after());
            if (parent == null) {
                s.problem("after", "'" + e.after() + "' names no detect entry of this camera; its entries: "
                        + String.join(", ", byName.keySet()));
                continue;
            }
            List<String> chain = new ArrayList<>(List.of(e.name()));
            DetectEntry at = parent;
            while (at != null && at.secondary() && !chain.contains(at.name())) {
                chain.add(at.name());
                at = byName.get(at.after());
            }
            if (at != null && chain.contains(at.name())) {
                chain.add(at.name());
                if (reported.add(String.join(",", new java.util.TreeSet<>(chain)))) {
                    s.problem("after", "is a cycle: " + String.join(" -> ", chain) + "; an entry runs after one that"
                            + " finds boxes itself (one without after:)");
                }
                continue;
            }
            if (parent.secondary()) {
                s.problem("after", "'" + parent.name() + "' runs after '" + parent.after() + "' itself; an after:"
                        + " entry must name one that finds boxes (one without after:)");
                continue;
            }
            ModelsConfig.Model parentModel = models.get(parent.model());
            if (parentModel != null && !parentModel.findsBoxes()) {
                s.problem("after", "'" + parent.name() + "' runs a " + parentModel.config().type() + ", which finds"
                        + " no boxes to run on");
            }
        }
        if (!entries.isEmpty() && entries.stream().allMatch(DetectEntry::secondary)) {
            sectionOf.get(entries.get(0).name()).problem("after", "every detect entry runs after another; at least"
                    + " one must find boxes (an entry without after:)");
        }
    }

    /** One label's filter values, merged over the defaults' key by key. */
    static Map<String, ObjectFilter> filters(Section detector, Map<String, ObjectFilter> base, List<String> labels) {
        Map<String, ObjectFilter> out = new LinkedHashMap<>(base);
        Section filters = detector.section("filters");
        for (String label : filters.keys()) {
            Section f = filters.section(label);
            if (labels != null && !labels.contains(label)) {
                filters.problem(label, "'" + label + "' is not a label of the models; filters are keyed by label,"
                        + " e.g. filters: {person: {min_area: 0.01}}");
                continue;
            }
            ObjectFilter b = base.getOrDefault(label, ObjectFilter.NONE);
            double minArea = f.number("min_area", b.minArea(), 0, Double.MAX_VALUE, false);
            double maxArea = f.number("max_area", b.maxArea(), 0, Double.POSITIVE_INFINITY, false);
            double minRatio = f.number("min_ratio", b.minRatio(), 0, Double.MAX_VALUE, false);
            double maxRatio = f.number("max_ratio", b.maxRatio(), 0, Double.POSITIVE_INFINITY, false);
            double minScore = f.number("min_score", b.minScore(), 0, 1, false);
            f.finish();
            if (f.has("max_area") && pixelsOrFraction(maxArea) != pixelsOrFraction(minArea) && minArea > 0) {
                f.problem("max_area", "is in " + units(maxArea) + " and min_area in " + units(minArea) + "; give"
                        + " both as fractions of the frame (up to 1) or both in pixels");
            } else if (maxArea < minArea) {
                f.problem("max_area", fmt(maxArea) + " is below min_area " + fmt(minArea) + "; make it at least that");
            }
            if (maxRatio < minRatio) {
                f.problem("max_ratio", fmt(maxRatio) + " is below min_ratio " + fmt(minRatio) + "; make it at least"
                        + " that");
            }
            out.put(label, new ObjectFilter(minArea, maxArea, minRatio, Math.max(minRatio, maxRatio), minScore));
        }
        return out;
    }

    private static boolean pixelsOrFraction(double area) {
        return area > 1;
    }

    private static String units(double area) {
        return area > 1 ? "pixels" : "fractions of the frame";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** {@code detector.stationary}: {@code threshold}, {@code seconds} (0 = off), {@code interval_s}. */
    static StationarySettings stationary(Section detector, StationarySettings base) {
        Section s = detector.section("stationary");
        double threshold = s.number("threshold", base.threshold(), 0, 10_000, false);
        double seconds = s.number("seconds", base.afterMs() / 1000.0, 0, 86_400, false);
        double interval = s.number("interval_s", base.intervalMs() / 1000.0, 0, 86_400, true);
        s.finish();
        return new StationarySettings(threshold, Math.round(seconds * 1000), Math.round(interval * 1000));
    }

    /** {@code required_zones}: names of the camera's zones. */
    static Set<String> requiredZones(Section c, List<Zone> zones) {
        List<String> names = c.strings("required_zones", List.of());
        Set<String> known = new LinkedHashSet<>();
        zones.forEach(z -> known.add(z.name()));
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (!known.contains(n)) {
                c.problem("required_zones", "'" + n + "' is not a zone of this camera" + (known.isEmpty()
                        ? " (it has no zones:)" : "; its zones: " + String.join(", ", known)));
            } else {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * A camera's {@code use_cases:}: each checked by its factory (bad or unknown keys are problems). A use case whose
     * factory fails while checking (a broken plug-in) is left out with a warning; an unknown type is a problem,
     * unless a plug-in failed to load (it may be that one's): then a warning, and the camera runs without it.
     */
    static List<UseCaseSpec> useCases(Section c, String camera, List<Zone> zones, List<String> labels,
            UseCaseRegistry registry) {
        List<UseCaseSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, Area> areas = new LinkedHashMap<>();
        zones.forEach(z -> areas.put(z.name(), PolygonArea.of(z)));
        for (Section u : c.sections("use_cases")) {
            String name = u.requiredString("name", "give every use case a name, e.g. door; its lines and counts"
                    + " carry it");
            if (name != null && !USE_CASE_NAME.matcher(name).matches()) {
                u.problem("name", "'" + name + "' is not a valid name; use letters, digits, '_', '-', '.' (up to 64)");
                name = null;
            } else if (name != null && !names.add(name)) {
                u.problem("name", "'" + name + "' is used by two use cases of this camera; names must be unique");
                name = null;
            }
            String type = u.requiredString("type", "choose one of " + String.join(", ", registry.types()));
            Map<String, Object> settings = new LinkedHashMap<>();
            for (String k : u.keys()) {
                if (!k.equals("name") && !k.equals("type")) {
                    settings.put(k, u.plain(k));
                }
            }
            if (name == null || type == null) {
                continue;
            }
            UseCaseRegistry.Known known = registry.find(type);
            if (known == null) {
                String types = String.join(", ", registry.types());
                if (registry.problems().isEmpty()) {
                    u.problem("type", "'" + type + "' is not a known use case; known: " + types + "; a plug-in's"
                            + " jar goes into plugins.dir");
                } else {
                    u.warn("type", "'" + type + "' is not a known use case (known: " + types + "), and a plug-in"
                            + " failed to load (see plugins.dir); the camera runs without " + name);
                }
                continue;
            }
            SettingsView view = new SettingsView(name, type, camera, settings, areas,
                    labels == null ? Set.of() : new LinkedHashSet<>(labels), u::problem);
            try {
                known.factory().check(view);
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                u.warn("type", "use case " + type + " (" + known.origin() + ") failed checking its keys ("
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                        + "); the camera runs without " + name);
                continue;
            }
            for (String k : view.unknownKeys()) {
                u.problem(k, "unknown key for a " + type + " use case; its keys: name, type, "
                        + String.join(", ", view.asked()));
            }
            out.add(new UseCaseSpec(name, type, settings));
        }
        return out;
    }
}
