package io.edgecascade.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A mapping of the config read with typed getters. Every getter checks type and range and reports what is
 * wrong under the key's full path ({@code cameras[0].motion.threshold}); {@link #finish()} reports keys no
 * getter asked for as unknown, listing the known ones. On a problem a getter returns the default, so that one
 * pass finds every problem.
 */
final class Section {

    private final String path;
    private final ObjectNode node;
    private final Problems problems;
    private final EnvExpander env;
    private final Set<String> known = new LinkedHashSet<>();

    private Section(String path, ObjectNode node, Problems problems, EnvExpander env) {
        this.path = path;
        this.node = node;
        this.problems = problems;
        this.env = env;
    }

    static Section root(JsonNode node, Problems problems, EnvExpander env) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new Section("", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
                    problems, env);
        }
        if (!node.isObject()) {
            problems.add("", "the config must be a YAML mapping of keys (model:, cameras:, ...)");
            return new Section("", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
                    problems, env);
        }
        return new Section("", (ObjectNode) node, problems, env);
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    String path() {
        return path;
    }

    boolean has(String name) {
        known.add(name);
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    /** A nested mapping; an absent key gives an empty section. */
    Section section(String name) {
        known.add(name);
        JsonNode v = node.get(name);
        String k = key(name);
        if (v == null || v.isNull()) {
            return new Section(k, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), problems,
                    env);
        }
        if (!v.isObject()) {
            problems.add(k, "must be a mapping of keys, got " + describe(v));
            return new Section(k, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), problems,
                    env);
        }
        return new Section(k, (ObjectNode) v, problems, env);
    }

    /** The mappings of a list (e.g. {@code cameras}); absent gives an empty list. */
    List<Section> sections(String name) {
        known.add(name);
        JsonNode v = node.get(name);
        List<Section> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            problems.add(key(name), "must be a list, got " + describe(v));
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            String k = key(name) + "[" + i + "]";
            if (!v.get(i).isObject()) {
                problems.add(k, "must be a mapping of keys, got " + describe(v.get(i)));
                continue;
            }
            out.add(new Section(k, (ObjectNode) v.get(i), problems, env));
        }
        return out;
    }

    /** A mapping of free-form keys to text values (e.g. FFmpeg's {@code input_options}); absent gives empty. */
    java.util.Map<String, String> stringMap(String name) {
        Section m = section(name);
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Iterator<String> it = m.node.fieldNames(); it.hasNext();) {
            String k = it.next();
            String v = m.scalar(k);
            if (v != null) {
                out.put(k, v);
            }
        }
        return out;
    }

    /** The raw value of a key (lists of lists, mappings of lists), marking the key as known; null when absent. */
    JsonNode raw(String name) {
        known.add(name);
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    /** The keys given in this mapping, in order. */
    List<String> keys() {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /**
     * The value of a key as plain values (text, whole numbers as longs, other numbers as doubles, booleans, lists and
     * maps of them), {@code ${VAR}} expanded in text, marking the key as known; null when absent.
     */
    Object plain(String name) {
        known.add(name);
        JsonNode v = node.get(name);
        return v == null ? null : plain(v, key(name));
    }

    private Object plain(JsonNode v, String k) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isArray()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                out.add(plain(v.get(i), k + "[" + i + "]"));
            }
            return out;
        }
        if (v.isObject()) {
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            v.fields().forEachRemaining(e -> out.put(e.getKey(), plain(e.getValue(), k + "." + e.getKey())));
            return out;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        return env.expand(v.asText(), k, problems);
    }

    String string(String name, String def) {
        known.add(name);
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isValueNode()) {
            problems.add(key(name), "must be a text value, got " + describe(v));
            return def;
        }
        return env.expand(v.asText(), key(name), problems);
    }

    String requiredString(String name, String hint) {
        String s = string(name, null);
        if (s == null || s.isBlank()) {
            if (s == null) {
                problems.add(key(name), "is required; " + hint);
            } else {
                problems.add(key(name), "is empty; " + hint);
            }
            return null;
        }
        return s;
    }

    /** One of {@code allowed} (case-sensitive). */
    String choice(String name, String def, List<String> allowed) {
        String s = string(name, def);
        if (s != null && !allowed.contains(s)) {
            problems.add(key(name), "'" + s + "' is not allowed; use one of " + String.join(", ", allowed));
            return def;
        }
        return s;
    }

    boolean bool(String name, boolean def) {
        String s = scalar(name);
        if (s == null) {
            return def;
        }
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on":
                return true;
            case "false", "no", "off":
                return false;
            default:
                problems.add(key(name), "'" + s + "' is not a boolean; use true or false");
                return def;
        }
    }

    long integer(String name, long def, long min, long max) {
        String s = scalar(name);
        if (s == null) {
            return def;
        }
        long value;
        try {
            value = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            problems.add(key(name), "'" + s + "' is not a whole number; allowed " + min + ".." + max);
            return def;
        }
        if (value < min || value > max) {
            problems.add(key(name), value + " is out of range; allowed " + min + ".." + max);
            return def;
        }
        return value;
    }

    double number(String name, double def, double min, double max, boolean minExclusive) {
        String s = scalar(name);
        if (s == null) {
            return def;
        }
        double value;
        try {
            value = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            problems.add(key(name), "'" + s + "' is not a number; allowed " + range(min, max, minExclusive));
            return def;
        }
        if (Double.isNaN(value) || (minExclusive ? value <= min : value < min) || value > max) {
            problems.add(key(name), s.trim() + " is out of range; allowed " + range(min, max, minExclusive));
            return def;
        }
        return value;
    }

    private static String range(double min, double max, boolean minExclusive) {
        return minExclusive ? "greater than " + fmt(min) + " up to " + fmt(max) : fmt(min) + ".." + fmt(max);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** A list of text values; a single value is taken as a list of one. */
    List<String> strings(String name, List<String> def) {
        known.add(name);
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return def;
        }
        List<String> out = new ArrayList<>();
        if (v.isValueNode()) {
            out.add(env.expand(v.asText(), key(name), problems));
            return out;
        }
        if (!v.isArray()) {
            problems.add(key(name), "must be a list of names, got " + describe(v));
            return def;
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isValueNode()) {
                problems.add(key(name) + "[" + i + "]", "must be a name, got " + describe(v.get(i)));
                continue;
            }
            out.add(env.expand(v.get(i).asText(), key(name) + "[" + i + "]", problems));
        }
        return out;
    }

    private String scalar(String name) {
        known.add(name);
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            problems.add(key(name), "must be a single value, got " + describe(v));
            return null;
        }
        return env.expand(v.asText(), key(name), problems);
    }

    /** Reports every key of this mapping that no getter asked for. */
    void finish() {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!known.contains(name)) {
                problems.add(key(name), "unknown key" + suggestion(name) + "; allowed keys here: "
                        + String.join(", ", known));
            }
        }
    }

    private String suggestion(String name) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = distance(name.toLowerCase(Locale.ROOT), k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    void problem(String name, String message) {
        problems.add(key(name), message);
    }

    /** A problem line that already names its key (a message of a library that was given the key). */
    void problemLine(String line) {
        problems.add("", line);
    }

    void warn(String name, String message) {
        problems.warn(key(name), message);
    }

    private static String describe(JsonNode v) {
        if (v.isArray()) {
            return "a list";
        }
        if (v.isObject()) {
            return "a mapping";
        }
        return "'" + v.asText() + "'";
    }
}
