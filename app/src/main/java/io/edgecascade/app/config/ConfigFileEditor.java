package io.edgecascade.app.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a camera's tuned values back into the config's text, line by line, so that everything else (comments,
 * order, blank lines, quoting, {@code ${VAR}}s) stays byte for byte as the user wrote it; a YAML library would
 * re-emit the whole file without its comments. A value already in the camera is replaced in place (its comment
 * kept at the same column); a missing one is added to the camera's {@code motion:} or {@code detector:} block,
 * which is added when the camera has none. Flow style ({@code motion: {threshold: 20}}) is not edited: that is a
 * {@link Unsupported} with a message saying what to write instead.
 */
public final class ConfigFileEditor {

    /** The text cannot be edited line by line. */
    public static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message);
        }
    }

    private static final Pattern KEY = Pattern.compile("^(\\s*)(- +)?([A-Za-z_][A-Za-z0-9_]*):(.*)$");
    private static final Pattern VALUE = Pattern.compile("^(\\s*)([^#]*?)(\\s*)(#.*)?$");

    private ConfigFileEditor() {
    }

    /** One line without its end, and its end ("\n", "\r\n" or "" for a last line without one). */
    private record Line(String text, String end) {
        int indent() {
            int i = 0;
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            return i;
        }

        boolean content() {
            String t = text.strip();
            return !t.isEmpty() && !t.startsWith("#");
        }
    }

    /**
     * @param values section ({@code motion} or {@code detector}) -> key -> the value as YAML text
     * @return the edited text
     */
    public static String set(String yaml, String cameraId, Map<String, Map<String, String>> values)
            throws Unsupported {
        List<Line> lines = split(yaml);
        int[] item = cameraItem(lines, cameraId);
        for (Map.Entry<String, Map<String, String>> section : values.entrySet()) {
            for (Map.Entry<String, String> kv : section.getValue().entrySet()) {
                setValue(lines, item, section.getKey(), kv.getKey(), kv.getValue());
            }
        }
        StringBuilder out = new StringBuilder(yaml.length() + 64);
        for (Line l : lines) {
            out.append(l.text()).append(l.end());
        }
        return out.toString();
    }

    private static List<Line> split(String yaml) {
        List<Line> lines = new ArrayList<>();
        int i = 0;
        while (i < yaml.length()) {
            int n = yaml.indexOf('\n', i);
            if (n < 0) {
                lines.add(new Line(yaml.substring(i), ""));
                break;
            }
            boolean cr = n > i && yaml.charAt(n - 1) == '\r';
            lines.add(new Line(yaml.substring(i, cr ? n - 1 : n), cr ? "\r\n" : "\n"));
            i = n + 1;
        }
        return lines;
    }

    /** {first line, end line (exclusive), key indent} of the camera's list item. */
    private static int[] cameraItem(List<Line> lines, String id) throws Unsupported {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = KEY.matcher(lines.get(i).text());
            if (m.matches() && m.group(1).isEmpty() && m.group(2) == null && m.group(3).equals("cameras")) {
                if (!value(m.group(4)).isEmpty()) {
                    throw new Unsupported("cameras: is written in flow style ([...]); write one camera per"
                            + " '- id:' block to let the page save its tuning");
                }
                start = i + 1;
                break;
            }
        }
        if (start < 0) {
            throw new Unsupported("no top-level 'cameras:' block");
        }
        int end = start;
        while (end < lines.size() && (!lines.get(end).content() || lines.get(end).indent() > 0
                || lines.get(end).text().startsWith("-"))) {
            end++;
        }
        int itemIndent = -1;
        for (int i = start; i < end; i++) {
            Line l = lines.get(i);
            if (!l.content() || !l.text().substring(l.indent()).startsWith("-")) {
                continue;
            }
            if (itemIndent < 0) {
                itemIndent = l.indent();
            }
            if (l.indent() != itemIndent) {
                continue;
            }
            int itemEnd = i + 1;
            while (itemEnd < end && !(lines.get(itemEnd).content() && lines.get(itemEnd).indent() <= itemIndent)) {
                itemEnd++;
            }
            String rest = l.text().substring(itemIndent + 1);
            int keyIndent = itemIndent + 1 + (rest.length() - rest.stripLeading().length());
            if (rest.strip().startsWith("{")) {
                throw new Unsupported("camera entries are written in flow style ({...}); write each camera as a"
                        + " block of 'key: value' lines to let the page save its tuning");
            }
            if (id.equals(idOf(lines, i, itemEnd, keyIndent))) {
                return new int[] {i, trimEnd(lines, i, itemEnd), keyIndent};
            }
        }
        throw new Unsupported("camera '" + id + "' not found under cameras:");
    }

    private static String idOf(List<Line> lines, int from, int to, int keyIndent) {
        for (int i = from; i < to; i++) {
            Matcher m = KEY.matcher(lines.get(i).text());
            if (m.matches() && m.group(3).equals("id") && (i == from || lines.get(i).indent() == keyIndent)) {
                return unquote(value(m.group(4)));
            }
        }
        return null;
    }

    /** Moves the end back over trailing blank and comment lines, so additions go after the last content line. */
    private static int trimEnd(List<Line> lines, int from, int to) {
        while (to > from + 1 && !lines.get(to - 1).content()) {
            to--;
        }
        return to;
    }

    private static void setValue(List<Line> lines, int[] item, String section, String key, String value)
            throws Unsupported {
        int keyIndent = item[2];
        int header = -1;
        for (int i = item[0]; i < item[1]; i++) {
            Matcher m = KEY.matcher(lines.get(i).text());
            int indent = i == item[0] ? keyIndent : lines.get(i).indent();
            if (m.matches() && m.group(3).equals(section) && indent == keyIndent
                    && (i == item[0] || m.group(2) == null)) {
                header = i;
                break;
            }
        }
        if (header < 0) {
            List<Line> add = List.of(new Line(" ".repeat(keyIndent) + section + ":", end(lines, item[1])),
                    new Line(" ".repeat(keyIndent + 2) + key + ": " + value, end(lines, item[1])));
            insert(lines, item, item[1], add);
            return;
        }
        Matcher hm = KEY.matcher(lines.get(header).text());
        hm.matches();
        if (!value(hm.group(4)).isEmpty()) {
            throw new Unsupported("cameras: " + section + ": of this camera is written in flow style ({...}); write"
                    + " it as a block of 'key: value' lines to let the page save its tuning");
        }
        int blockEnd = header + 1;
        int childIndent = -1;
        while (blockEnd < item[1] && !(lines.get(blockEnd).content() && lines.get(blockEnd).indent() <= keyIndent)) {
            if (lines.get(blockEnd).content() && childIndent < 0) {
                childIndent = lines.get(blockEnd).indent();
            }
            blockEnd++;
        }
        blockEnd = trimEnd(lines, header, blockEnd);
        if (childIndent < 0) {
            childIndent = keyIndent + 2;
        }
        for (int i = header + 1; i < blockEnd; i++) {
            Line l = lines.get(i);
            Matcher m = KEY.matcher(l.text());
            if (l.indent() == childIndent && m.matches() && m.group(2) == null && m.group(3).equals(key)) {
                lines.set(i, new Line(replaceValue(l.text(), m.group(1) + key + ":", m.group(4), value), l.end()));
                return;
            }
        }
        insert(lines, item, blockEnd, List.of(new Line(" ".repeat(childIndent) + key + ": " + value,
                end(lines, blockEnd))));
    }

    /** The key's line with a new value, a comment after it staying at its column when there is room. */
    private static String replaceValue(String text, String keyPart, String rest, String value) {
        Matcher v = VALUE.matcher(rest);
        v.matches();
        String comment = v.group(4);
        if (comment == null) {
            return keyPart + " " + value;
        }
        int column = text.length() - comment.length();
        String head = keyPart + " " + value;
        return head + " ".repeat(Math.max(1, column - head.length())) + comment;
    }

    private static void insert(List<Line> lines, int[] item, int at, List<Line> add) {
        if (at > 0 && lines.get(at - 1).end().isEmpty()) {
            Line last = lines.get(at - 1); // the file's last line had no line end: give it one
            lines.set(at - 1, new Line(last.text(), "\n"));
            add = new ArrayList<>(add);
            Line tail = add.get(add.size() - 1);
            add.set(add.size() - 1, new Line(tail.text(), ""));
        }
        lines.addAll(at, add);
        item[1] += add.size();
    }

    private static String end(List<Line> lines, int at) {
        for (Line l : lines) {
            if (!l.end().isEmpty()) {
                return l.end();
            }
        }
        return "\n";
    }

    private static String value(String rest) {
        Matcher v = VALUE.matcher(rest);
        return v.matches() ? v.group(2).strip() : rest.strip();
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    /** {@code motion -> {threshold, min_area}}, {@code detector -> {confidence}} as YAML text, in that order. */
    public static Map<String, Map<String, String>> tunables(Integer threshold, Double minArea, Double confidence) {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        Map<String, String> motion = new LinkedHashMap<>();
        if (threshold != null) {
            motion.put("threshold", Integer.toString(threshold));
        }
        if (minArea != null) {
            motion.put("min_area", plain(minArea));
        }
        if (!motion.isEmpty()) {
            m.put("motion", motion);
        }
        if (confidence != null) {
            m.put("detector", Map.of("confidence", plain(confidence)));
        }
        return m;
    }

    private static String plain(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
