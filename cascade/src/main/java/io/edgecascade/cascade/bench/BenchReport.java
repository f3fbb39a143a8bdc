package io.edgecascade.cascade.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.edgecascade.cascade.api.Stage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark's results: the human table ({@link #printTable}) and the {@code --json} document, whose top level
 * is the first (baseline) variant:
 * {@code {"frames","wall_seconds","fps","detector_ratio","efficiency","rss_mb","heap_mb","stages":{stage:
 * {"p50_ms","p95_ms","p99_ms","mean_ms","frames"}},"limits":{"decode_fps","detector_ms_p50",...},"variants":[...]}}.
 *
 * @param source     what was read (credentials redacted)
 * @param warmup     warm-up frames per variant
 * @param gate       whether the motion gate was on
 * @param peakRssMb  the process's peak resident set over the whole benchmark
 * @param peakHeapMb the JVM heap's peak use
 * @param maxHeapMb  the JVM heap limit
 */
public record BenchReport(String source, int warmup, boolean gate, List<VariantResult> variants, double peakRssMb,
        double peakHeapMb, double maxHeapMb) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public BenchReport {
        variants = List.copyOf(variants);
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("no variant results");
        }
    }

    public VariantResult baseline() {
        return variants.get(0);
    }

    /** The JSON document, keys in a stable order. */
    public Map<String, Object> toJsonTree() {
        VariantResult b = baseline();
        Map<String, Object> v = b.toJsonTree();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("frames", b.frames());
        root.put("wall_seconds", v.get("wall_seconds"));
        root.put("fps", v.get("fps"));
        root.put("detector_ratio", v.get("detector_ratio"));
        root.put("efficiency", v.get("efficiency"));
        root.put("rss_mb", round(peakRssMb, 1));
        root.put("heap_mb", round(peakHeapMb, 1));
        root.put("heap_max_mb", round(maxHeapMb, 1));
        root.put("source", source);
        root.put("engine", v.get("engine"));
        root.put("device", v.get("device"));
        root.put("precision", v.get("precision"));
        root.put("model", v.get("model"));
        root.put("threads", v.get("threads"));
        root.put("warmup", warmup);
        root.put("motion_gate", gate);
        root.put("stages", v.get("stages"));
        root.put("limits", v.get("limits"));
        root.put("variants", variants.stream().map(VariantResult::toJsonTree).toList());
        return root;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(toJsonTree());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toJson() + System.lineSeparator());
    }

    /** The human-readable report. */
    public void printTable(PrintWriter out) {
        VariantResult b = baseline();
        out.println(String.format(Locale.ROOT, "edge-cascade bench: %s", source));
        out.println(String.format(Locale.ROOT, "%d frames measured per variant after %d warm-up frames, motion gate %s",
                b.frames(), warmup, gate ? "on" : "off"));
        for (VariantResult r : variants) {
            out.println();
            out.println(String.format(Locale.ROOT, "variant %s: %s, %d inference thread%s", r.variant().spec(),
                    r.engine(), r.variant().threads(), r.variant().threads() == 1 ? "" : "s"));
            out.println(String.format(Locale.ROOT, "  %-12s %9s %9s %9s %9s %8s", "stage", "p50 ms", "p95 ms",
                    "p99 ms", "mean ms", "frames"));
            for (Map.Entry<Stage, StageSummary> e : r.stages().entrySet()) {
                StageSummary s = e.getValue();
                out.println(String.format(Locale.ROOT, "  %-12s %9s %9s %9s %9s %8d", e.getKey().label(),
                        ms(s.p50Millis()), ms(s.p95Millis()), ms(s.p99Millis()), ms(s.meanMillis()), s.frames()));
            }
            out.println(String.format(Locale.ROOT,
                    "  pipeline     %d frames in %.2f s = %.1f frames/s; detector ran on %d frames (%.1f%%),"
                            + " %d positive, %d dropped", r.frames(), r.wallSeconds(), r.fps(), r.detected(),
                    100 * nanToZero(r.detectorRatio()), r.positive(), r.dropped()));
            out.println(String.format(Locale.ROOT,
                    "  standalone   decode only %.1f frames/s; motion gate p50 %s ms; detector p50 %s ms"
                            + " (inference %s ms, pre+post %s ms)", r.decodeOnlyFps(),
                    r.standaloneMotion() == null ? "-" : ms(r.standaloneMotion().p50Millis()),
                    ms(r.standaloneDetector().p50Millis()), ms(r.standaloneInference().p50Millis()),
                    ms(r.standaloneDetector().p50Millis() - r.standaloneInference().p50Millis())));
            out.println(String.format(Locale.ROOT,
                    "  efficiency   %.3f (standalone stages %.2f s for the same work / pipeline %.2f s)",
                    r.efficiency(), r.serialSeconds(), r.wallSeconds()));
            out.println(String.format(Locale.ROOT, "  memory       peak RSS %.0f MB, JVM heap peak %.0f MB",
                    r.peakRssMb(), r.peakHeapMb()));
            out.println(String.format(Locale.ROOT, "  uplink       %d events, %d frames (%.2f per event), %d JPEG bytes"
                    + " (%.0f per event)", r.uplink().events(), r.uplink().frames(), r.uplink().framesPerEvent(),
                    r.uplink().bytes(), r.uplink().bytesPerEvent()));
        }
        if (variants.size() > 1) {
            out.println();
            int width = Math.max(8, variants.stream().mapToInt(r -> r.variant().spec().length()).max().orElse(8));
            out.println(String.format(Locale.ROOT, "%-" + width + "s %10s %16s %17s %11s", "variant", "frames/s",
                    "detector p50 ms", "inference p50 ms", "efficiency"));
            for (VariantResult r : variants) {
                out.println(String.format(Locale.ROOT, "%-" + width + "s %10.1f %16s %17s %11.3f", r.variant().spec(),
                        r.fps(), ms(r.standaloneDetector().p50Millis()), ms(r.standaloneInference().p50Millis()),
                        r.efficiency()));
            }
        }
        out.println();
        out.println(String.format(Locale.ROOT, "memory: peak RSS %.0f MB, JVM heap peak %.0f MB of %.0f MB", peakRssMb,
                peakHeapMb, maxHeapMb));
        out.flush();
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    /** Rounds for the JSON; NaN (nothing measured) becomes null. */
    static Double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
