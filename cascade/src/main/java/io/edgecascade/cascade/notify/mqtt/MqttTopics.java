package io.edgecascade.cascade.notify.mqtt;

/**
 * The topics of one agent, shaped like Frigate's so that flows written for Frigate need only a new prefix:
 *
 * <pre>
 * &lt;prefix&gt;/available                         online | offline (retained; offline is the last will)
 * &lt;prefix&gt;/events                            {"type": "new"|"update"|"end", "before": {...}, "after": {...}}
 * &lt;prefix&gt;/&lt;camera&gt;/&lt;label&gt;                   objects of that label in view now (retained)
 * &lt;prefix&gt;/&lt;camera&gt;/all                      all objects in view now (retained)
 * &lt;prefix&gt;/&lt;camera&gt;/&lt;label&gt;/snapshot          JPEG of the latest event's best frame (retained)
 * &lt;prefix&gt;/&lt;camera&gt;/motion                   ON | OFF (retained)
 * &lt;prefix&gt;/&lt;camera&gt;/state                    connecting | streaming | backoff | stalled | stopped (retained)
 * &lt;prefix&gt;/&lt;camera&gt;/&lt;setting&gt;/set            commands: detect, motion_threshold, motion_min_area, confidence
 * &lt;prefix&gt;/&lt;camera&gt;/&lt;setting&gt;/state          their values now (retained)
 * &lt;prefix&gt;/stats                             the per-camera figures, every stats_interval_s
 * </pre>
 */
public final class MqttTopics {

    /** The command topics' settings, in the order discovery lists them. */
    public static final java.util.List<String> SETTINGS = java.util.List.of("detect", "motion_threshold",
            "motion_min_area", "confidence");

    private final String prefix;

    public MqttTopics(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    public String available() {
        return prefix + "/available";
    }

    public String events() {
        return prefix + "/events";
    }

    public String stats() {
        return prefix + "/stats";
    }

    public String count(String camera, String label) {
        return prefix + "/" + camera + "/" + label;
    }

    public String all(String camera) {
        return prefix + "/" + camera + "/all";
    }

    public String snapshot(String camera, String label) {
        return prefix + "/" + camera + "/" + label + "/snapshot";
    }

    public String motion(String camera) {
        return prefix + "/" + camera + "/motion";
    }

    public String state(String camera) {
        return prefix + "/" + camera + "/state";
    }

    public String set(String camera, String setting) {
        return prefix + "/" + camera + "/" + setting + "/set";
    }

    public String settingState(String camera, String setting) {
        return prefix + "/" + camera + "/" + setting + "/state";
    }

    /** The filter the commands are subscribed with. */
    public String commands() {
        return prefix + "/+/+/set";
    }

    /** {@code [camera, setting]} of a command topic, or null when {@code topic} is not one. */
    public String[] command(String topic) {
        if (!topic.startsWith(prefix + "/") || !topic.endsWith("/set")) {
            return null;
        }
        String[] parts = topic.substring(prefix.length() + 1, topic.length() - "/set".length()).split("/", -1);
        return parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty() ? parts : null;
    }

    /**
     * What is wrong with a topic prefix (or a part the agent puts into topics), or null: it must not be empty, start or
     * end with {@code /}, hold the wildcards {@code +} and {@code #}, a NUL or other control character, or be longer
     * than 200 characters.
     */
    public static String problem(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "is empty; use letters, digits and '-', '_', '/' (e.g. edge-cascade)";
        }
        if (prefix.length() > 200) {
            return "is longer than 200 characters";
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '+' || c == '#') {
                return "'" + prefix + "' holds the MQTT wildcard '" + c + "', which topics cannot hold; use letters,"
                        + " digits and '-', '_', '/'";
            }
            if (Character.isISOControl(c)) {
                return "'" + prefix.replaceAll("\\p{Cntrl}", "?") + "' holds a control character; use letters,"
                        + " digits and '-', '_', '/'";
            }
        }
        if (prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")) {
            return "'" + prefix + "' has an empty level (a leading, trailing or double '/'); write levels like"
                    + " site/edge-cascade";
        }
        if (prefix.startsWith("$")) {
            return "'" + prefix + "' starts with '$', which brokers keep for themselves ($SYS)";
        }
        return null;
    }
}
