package io.edgecascade.engines;

import io.edgecascade.engines.probe.HardwareProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the engine for the box and falls back when it does not load.
 *
 * <p>{@code auto} picks: Jetson -> {@code tensorrt}; NVIDIA GPU -> {@code onnxruntime-tensorrt} where its
 * prerequisites are met, else {@code onnxruntime-cuda}; Intel CPU/GPU/NPU with the OpenVINO runtime ->
 * {@code openvino}; otherwise {@code onnxruntime-cpu}. An engine named in the config is honoured. Whichever engine is
 * tried first, when it fails to load the selector walks its fallback chain (skipping engines the probe already rules
 * out) down to {@code onnxruntime-cpu}, and logs ONE warning line saying what failed and why and what runs instead.
 */
public final class EngineSelector {

    private static final Logger LOG = LoggerFactory.getLogger(EngineSelector.class);

    /** Registry name of the Jetson/native TensorRT engine (in the jetson module). */
    public static final String TENSORRT = "tensorrt";

    /** Where each engine falls back to, best first; every chain ends with the CPU engine. */
    static final Map<String, List<String>> FALLBACKS = Map.of(
            TENSORRT, List.of(OnnxRuntimeTensorRtEngine.NAME, OnnxRuntimeCudaEngine.NAME, OnnxRuntimeCpuEngine.NAME),
            OnnxRuntimeTensorRtEngine.NAME, List.of(OnnxRuntimeCudaEngine.NAME, OnnxRuntimeCpuEngine.NAME),
            OnnxRuntimeCudaEngine.NAME, List.of(OnnxRuntimeCpuEngine.NAME),
            "openvino", List.of(OnnxRuntimeCpuEngine.NAME),
            OnnxRuntimeCpuEngine.NAME, List.of());

    /**
     * One engine as the probe sees it.
     *
     * @param reason why it is not available, empty when it is
     */
    public record Availability(String name, boolean available, String reason) {
    }

    /** What {@link #open} did: the engine, and the engines that failed before it with their reasons. */
    public record Selection(InferenceEngine engine, String requested, Map<String, String> failed) {
        public Selection {
            failed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failed));
        }
    }

    private final EngineRegistry registry;
    private final HardwareProfile hardware;

    public EngineSelector(EngineRegistry registry, HardwareProfile hardware) {
        this.registry = registry;
        this.hardware = hardware;
    }

    public HardwareProfile hardware() {
        return hardware;
    }

    /** The engine {@code auto} means on this hardware (a registered one). */
    public String choose() {
        String pick;
        if (hardware.isJetson()) {
            pick = TENSORRT;
        } else if (hardware.hasNvidiaGpu()) {
            pick = available(OnnxRuntimeTensorRtEngine.NAME) ? OnnxRuntimeTensorRtEngine.NAME
                    : OnnxRuntimeCudaEngine.NAME;
        } else if (hardware.isIntel() && hardware.loads(HardwareProfile.OPENVINO)) {
            pick = "openvino";
        } else {
            pick = OnnxRuntimeCpuEngine.NAME;
        }
        // an engine this build lacks (e.g. no jetson module) gives way to the first registered fallback
        for (String name : chain(pick)) {
            if (registry.find(name).isPresent()) {
                return name;
            }
        }
        return OnnxRuntimeCpuEngine.NAME;
    }

    /** Every registered engine, and whether the probe lets it run. */
    public List<Availability> availability() {
        List<Availability> out = new ArrayList<>();
        for (String name : registry.engineNames()) {
            Optional<String> why = unavailable(registry.find(name).orElseThrow());
            out.add(new Availability(name, why.isEmpty(), why.orElse("")));
        }
        return out;
    }

    /** The factory's own verdict; a factory whose classes do not even load is unavailable too. */
    private Optional<String> unavailable(EngineFactory factory) {
        try {
            return factory.unavailable(hardware);
        } catch (LinkageError e) {
            return Optional.of("its classes do not load (" + e + "); the distribution is incomplete");
        }
    }

    private boolean available(String name) {
        return registry.find(name).map(f -> unavailable(f).isEmpty()).orElse(false);
    }

    /** {@code name} followed by its fallbacks. */
    static List<String> chain(String name) {
        List<String> chain = new ArrayList<>();
        chain.add(name);
        chain.addAll(FALLBACKS.getOrDefault(name, List.of(OnnxRuntimeCpuEngine.NAME)));
        return chain;
    }

    /**
     * Opens {@code requested} ({@code auto} or a registry name), falling back along its chain.
     *
     * @throws EngineException when the name is unknown, or when the last engine of the chain fails too (its error,
     *                         e.g. a missing model file, is the one reported)
     */
    public Selection open(String requested, EngineOptions options) throws EngineException {
        boolean auto = EngineRegistry.AUTO.equals(requested);
        String first = auto ? choose() : requested;
        if (registry.find(first).isEmpty()) {
            throw new EngineException("unknown engine '" + requested + "'; use one of " + registry.names());
        }
        Map<String, String> failed = new LinkedHashMap<>();
        List<String> chain = chain(first);
        EngineException last = null;
        for (int i = 0; i < chain.size(); i++) {
            String name = chain.get(i);
            Optional<EngineFactory> factory = registry.find(name);
            if (factory.isEmpty()) {
                continue;
            }
            boolean lastResort = i == chain.size() - 1;
            if (i > 0 && !lastResort && unavailable(factory.get()).isPresent()) {
                continue; // a fallback the probe already rules out: not worth a load attempt or a word
            }
            try {
                InferenceEngine engine = factory.get().open(options);
                if (!failed.isEmpty()) {
                    LOG.warn(warning(failed, engine.info()));
                }
                return new Selection(engine, requested, failed);
            } catch (EngineException e) {
                failed.put(name, e.getMessage());
                last = e;
            } catch (LinkageError e) {
                // a native library of the engine is missing or broken: that engine is out, the next may run.
                // Other runtime exceptions (an NPE, a state error) are bugs, not a missing engine: they propagate,
                // so a bug is never hidden behind a silent fall back to a slower engine.
                String why = e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
                failed.put(name, "engine " + name + " is not available: " + why);
                last = new EngineException("engine " + name + " is not available: " + why, e);
            }
        }
        throw last != null ? last
                : new EngineException("no engine could be opened for '" + requested + "'; run 'edge-cascade probe'");
    }

    /** The one WARN line: every failure with its reason, then what runs. */
    static String warning(Map<String, String> failed, EngineInfo running) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : failed.entrySet()) {
            sb.append(sb.length() == 0 ? "engine " : "; then ").append(e.getKey()).append(" failed to load: ")
                    .append(firstLine(e.getValue()));
        }
        return sb.append(" -> falling back to ").append(running).toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
