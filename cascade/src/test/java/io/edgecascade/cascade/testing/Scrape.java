package io.edgecascade.cascade.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed Prometheus text scrape: sample (name plus labels exactly as exposed) to value. */
public final class Scrape {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+).*$");

    private final String text;
    private final Map<String, Double> samples = new HashMap<>();

    public Scrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (m.matches()) {
                samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), parse(m.group(3)));
            }
        }
    }

    /** Scrapes {@code registry} as the metrics endpoint would (Prometheus text format). */
    public static Scrape of(io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Scrape(out.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static double parse(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    public String text() {
        return text;
    }

    /** The value of a sample written as exposed, e.g. {@code m{camera="a",outcome="decoded"}}; null if absent. */
    public Double value(String sample) {
        return samples.get(sample);
    }

    /** Like {@link #value} but 0 for an absent sample. */
    public double valueOrZero(String sample) {
        Double v = samples.get(sample);
        return v == null ? 0 : v;
    }

    public boolean has(String sample) {
        return samples.containsKey(sample);
    }

    /** Whether any sample's name starts with {@code prefix}. */
    public boolean hasMetricStartingWith(String prefix) {
        return samples.keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }
}
