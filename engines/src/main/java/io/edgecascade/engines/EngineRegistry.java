package io.edgecascade.engines;

import io.edgecascade.engines.openvino.OpenVinoEngine;
import io.edgecascade.engines.probe.HardwareProbe;
import io.edgecascade.engines.probe.HardwareProfile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engines this build knows, keyed by their config name. */
public final class EngineRegistry {

    /** Config value that lets the selector choose the engine for the hardware. */
    public static final String AUTO = "auto";

    private static final Logger LOG = LoggerFactory.getLogger(EngineRegistry.class);

    private final Map<String, EngineFactory> factories;
    private final Supplier<HardwareProfile> probe;
    private HardwareProfile hardware;

    /** A registry that probes this machine the first time it needs to. */
    public EngineRegistry(List<EngineFactory> factories) {
        this(factories, () -> HardwareProbe.system().probe());
    }

    /** A registry with a given hardware probe (tests describe machines with it). */
    public EngineRegistry(List<EngineFactory> factories, Supplier<HardwareProfile> probe) {
        Map<String, EngineFactory> byName = new LinkedHashMap<>();
        for (EngineFactory f : factories) {
            if (AUTO.equals(f.name())) {
                throw new IllegalArgumentException("'" + AUTO + "' is reserved for the selector");
            }
            if (byName.putIfAbsent(f.name(), f) != null) {
                throw new IllegalArgumentException("two engines registered as " + f.name());
            }
        }
        this.factories = Collections.unmodifiableMap(byName);
        this.probe = probe;
    }

    /**
     * The engines of this module (ONNX Runtime CPU/CUDA/TensorRT, OpenVINO) plus those other modules declare as
     * {@link java.util.ServiceLoader} providers of {@link EngineFactory} (the jetson module's {@code tensorrt}).
     */
    public static EngineRegistry standard() {
        return new EngineRegistry(standardFactories());
    }

    /** The factories {@link #standard()} registers. */
    public static List<EngineFactory> standardFactories() {
        List<EngineFactory> list = new ArrayList<>(builtIn());
        var providers = ServiceLoader.load(EngineFactory.class, EngineRegistry.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!providers.hasNext()) {
                    break;
                }
                list.add(providers.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                // a broken plug-in engine must not take the others down; probe shows it missing
                LOG.warn("an engine module cannot be loaded and is left out: {}", e.getMessage());
            }
        }
        return list;
    }

    /** The engines of this module, CPU first. */
    public static List<EngineFactory> builtIn() {
        return List.of(new OnnxRuntimeCpuEngine.Factory(), new OnnxRuntimeCudaEngine.Factory(),
                new OnnxRuntimeTensorRtEngine.Factory(), new OpenVinoEngine.Factory());
    }

    public Optional<EngineFactory> find(String name) {
        return Optional.ofNullable(factories.get(name));
    }

    /** Names users may write in {@code engine:}, {@code auto} first. */
    public List<String> names() {
        var names = new ArrayList<String>();
        names.add(AUTO);
        names.addAll(factories.keySet());
        return List.copyOf(names);
    }

    /** The registered engines, without {@code auto}. */
    public List<String> engineNames() {
        return List.copyOf(factories.keySet());
    }

    /** What the box has; probed once, on first use. */
    public synchronized HardwareProfile hardware() {
        if (hardware == null) {
            hardware = probe.get();
        }
        return hardware;
    }

    public EngineSelector selector() {
        return new EngineSelector(this, hardware());
    }

    /**
     * Opens the engine named in the config. {@code auto} lets the {@link EngineSelector} pick for the hardware;
     * an engine that fails to load falls back along its chain to {@code onnxruntime-cpu}, with one WARN line.
     * {@link InferenceEngine#info()} says what runs.
     */
    public InferenceEngine open(String name, EngineOptions options) throws EngineException {
        if (!AUTO.equals(name) && !factories.containsKey(name)) {
            throw new EngineException("unknown engine '" + name + "'; use one of " + names());
        }
        return selector().open(name, options).engine();
    }
}
