package io.edgecascade.app.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} in config strings from the environment; {@code $$}
 * writes a literal {@code $}.
 */
final class EnvExpander {

    private static final Pattern VAR = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Map<String, String> env;

    EnvExpander(Map<String, String> env) {
        this.env = env;
    }

    /** The expanded value; a variable that is unset and has no default is reported to {@code problems}. */
    String expand(String value, String key, Problems problems) {
        if (value.indexOf('$') < 0) {
            return value;
        }
        Matcher m = VAR.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else {
                String v = env.get(m.group(1));
                if (v == null || v.isEmpty()) {
                    v = m.group(2);
                }
                if (v == null) {
                    problems.add(key, "environment variable " + m.group(1) + " is not set; export it or write ${"
                            + m.group(1) + ":-default}");
                    v = "";
                }
                replacement = v;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
