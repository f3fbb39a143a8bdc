package io.edgecascade.cascade.bench;

import io.edgecascade.cascade.api.Stage;
import io.edgecascade.engines.EngineInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one engine variant measured.
 *
 * @param stages           per-frame time of each stage inside the running pipeline (stages that ran)
 * @param decodeOnlyFps    frames per second of a loop that only decodes the same frames
 * @param standaloneMotion the gate's time per frame when it runs alone (null with the gate off)
 * @param standaloneDetector the detector's time per frame (pre-processing + inference + post-processing) when it
 *                         runs alone on the frames the gate passed
 * @param standaloneInference the raw inference part of {@code standaloneDetector}
 * @param serialSeconds    the standalone times summed for the work the pipeline did
 * @param peakRssMb        the process's peak resident set after this variant (VmHWM, grows monotonically)
 */
public record VariantResult(EngineVariant variant, EngineInfo engine, long frames, long detected, long positive,
        long dropped, double wallSeconds, Map<Stage, StageSummary> stages, double decodeOnlyFps,
        StageSummary standaloneMotion, StageSummary standaloneDetector, StageSummary standaloneInference,
        double serialSeconds, double peakRssMb, double peakHeapMb, Uplink uplink) {

    /**
     * What {@code cloud.forward: events} would send: events started, frames chosen (each event's best frame at its
     * start and, if a better one came, at its end) and their JPEG bytes at the forwarder's default quality.
     */
    public record Uplink(long events, long frames, long bytes) {
        public double framesPerEvent() {
            return events == 0 ? 0 : (double) frames / events;
        }

        public double bytesPerEvent() {
            return events == 0 ? 0 : (double) bytes / events;
        }
    }

    public VariantResult {
        stages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stages));
    }

    /** End-to-end frames per second of the pipeline. */
    public double fps() {
        return wallSeconds > 0 ? frames / wallSeconds : Double.NaN;
    }

    /** Share of the decoded frames the detector ran on. */
    public double detectorRatio() {
        return frames == 0 ? Double.NaN : (double) detected / frames;
    }

    /**
     * (sum of standalone stage times for the work done) / (pipeline wall time): 1.0 means the pipeline took as
     * long as running each stage alone back to back; below 1 it loses time to its queues, threads and
     * contention; above 1 its stages overlapped on separate cores.
     */
    public double efficiency() {
        return wallSeconds > 0 ? serialSeconds / wallSeconds : Double.NaN;
    }

    Map<String, Object> toJsonTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", variant.spec());
        m.put("engine", engine.name());
        m.put("device", engine.device());
        m.put("precision", engine.precision());
        m.put("model", engine.model());
        m.put("threads", variant.threads());
        m.put("frames", frames);
        m.put("wall_seconds", BenchReport.round(wallSeconds, 3));
        m.put("fps", BenchReport.round(fps(), 2));
        m.put("detector_ratio", BenchReport.round(detectorRatio(), 4));
        m.put("efficiency", BenchReport.round(efficiency(), 3));
        m.put("rss_mb", BenchReport.round(peakRssMb, 1));
        m.put("heap_mb", BenchReport.round(peakHeapMb, 1));
        m.put("detected", detected);
        m.put("positive", positive);
        m.put("dropped", dropped);
        Map<String, Object> up = new LinkedHashMap<>();
        up.put("events", uplink.events());
        up.put("frames", uplink.frames());
        up.put("bytes", uplink.bytes());
        up.put("frames_per_event", BenchReport.round(uplink.framesPerEvent(), 2));
        up.put("bytes_per_event", Math.round(uplink.bytesPerEvent()));
        m.put("uplink", up);
        Map<String, Object> st = new LinkedHashMap<>();
        stages.forEach((stage, summary) -> st.put(stage.label(), summary.toJsonTree()));
        m.put("stages", st);
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("decode_fps", BenchReport.round(decodeOnlyFps, 2));
        limits.put("detector_ms_p50", BenchReport.round(standaloneDetector.p50Millis(), 4));
        limits.put("detector_ms_p95", BenchReport.round(standaloneDetector.p95Millis(), 4));
        limits.put("detector_ms_mean", BenchReport.round(standaloneDetector.meanMillis(), 4));
        limits.put("inference_ms_p50", BenchReport.round(standaloneInference.p50Millis(), 4));
        limits.put("motion_ms_p50", standaloneMotion == null ? null
                : BenchReport.round(standaloneMotion.p50Millis(), 4));
        limits.put("serial_seconds", BenchReport.round(serialSeconds, 3));
        m.put("limits", limits);
        return m;
    }
}
