package io.edgecascade.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.edgecascade.cascade.source.HardwareDecoders;
import io.edgecascade.cascade.source.HwAccel;
import io.edgecascade.engines.EngineRegistry;
import io.edgecascade.engines.EngineSelector;
import io.edgecascade.engines.probe.HardwareProfile;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edge-cascade probe [--json]}: the hardware, every engine's availability, and what {@code auto} picks; the
 * hardware video decoders likewise.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Detect the hardware (Jetson, NVIDIA GPU, Intel CPU/GPU/NPU, CPU features, engine libraries),"
                + " say which engines can run here and why not, and which one 'engine: auto' would choose; then"
                + " FFmpeg's hardware video decoders, each available or why not, and what 'hwaccel: auto' tries."})
final class ProbeCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print one JSON object: {hardware, engines, selected, decoders, decoder_selected}.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Probes through this registry; null = the standard one. */
    EngineRegistry registry;

    @Override
    public Integer call() {
        EngineSelector selector = (registry != null ? registry : EngineRegistry.standard()).selector();
        Map<String, Object> report = report(selector);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            } catch (JsonProcessingException e) {
                throw new UserError("cannot write the probe as JSON: " + e.getOriginalMessage(), UserError.FAILED, e);
            }
        } else {
            text(selector, out);
        }
        out.flush();
        return 0;
    }

    static Map<String, Object> report(EngineSelector selector) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hardware", selector.hardware().toMap());
        List<Map<String, Object>> engines = new ArrayList<>();
        for (EngineSelector.Availability a : selector.availability()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", a.name());
            e.put("available", a.available());
            e.put("reason", a.reason().isEmpty() ? null : a.reason());
            engines.add(e);
        }
        m.put("engines", engines);
        m.put("selected", selector.choose());
        List<Map<String, Object>> decoders = new ArrayList<>();
        for (HardwareDecoders.Status d : HardwareDecoders.status()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("hwaccel", d.accel().id());
            e.put("available", d.available());
            e.put("reason", d.reason());
            decoders.add(e);
        }
        m.put("decoders", decoders);
        m.put("decoder_selected", HardwareDecoders.choose(HwAccel.AUTO, null).summary());
        return m;
    }

    private static void text(EngineSelector selector, PrintWriter out) {
        HardwareProfile hw = selector.hardware();
        out.println("hardware:");
        out.println("  arch:         " + hw.arch());
        out.println("  jetson:       " + hw.jetson().map(j -> j.model() + " [" + j.release() + "]").orElse("no"));
        out.println("  nvidia gpus:  " + (hw.nvidiaGpus().isEmpty() ? "none (" + hw.nvidiaStatus() + ")"
                : String.join(", ", hw.nvidiaGpus())));
        out.println("  cpu:          " + (hw.cpuModel().isEmpty() ? "unknown" : hw.cpuModel())
                + (hw.cpuVendor().isEmpty() ? "" : " (" + hw.cpuVendor() + ")")
                + (hw.cpuFeatures().isEmpty() ? "" : " " + hw.cpuFeatures().stream().sorted().toList()));
        out.println("  intel gpus:   " + (hw.intelGpus().isEmpty() ? "none" : String.join(", ", hw.intelGpus())));
        out.println("  npus:         " + (hw.npus().isEmpty() ? "none" : String.join(", ", hw.npus())));
        out.println("  onnxruntime:  providers " + hw.ortProviders().stream().sorted().toList());
        for (String lib : HardwareProfile.PROBED_LIBRARIES) {
            out.println(String.format("  %-22s %s", lib, hw.loads(lib) ? "loads" : "missing"));
        }
        out.println("engines:");
        for (EngineSelector.Availability a : selector.availability()) {
            out.println(String.format("  %-22s %s", a.name(), a.available() ? "available" : "unavailable: " + a.reason()));
        }
        out.println("selected (engine: auto): " + selector.choose());
        out.println("hardware video decoders (H.264, FFmpeg " + HardwareDecoders.ffmpegVersion() + "):");
        for (HardwareDecoders.Status d : HardwareDecoders.status()) {
            out.println(String.format("  %-22s %s", d.accel().id(),
                    d.available() ? "available" : "unavailable: " + d.reason()));
        }
        out.println("decoder (hwaccel: auto): " + HardwareDecoders.choose(HwAccel.AUTO, null).summary());
    }
}
