package io.edgecascade.engines;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The engines this build knows, keyed by their config name. */
public final class EngineRegistry {

    /** Config value that lets the selector choose the engine for the hardware. */
    public static final String AUTO = "auto";

    private final Map<String, EngineFactory> factories;

    public EngineRegistry(List<EngineFactory> factories) {
        Map<String, EngineFactory> byName = new LinkedHashMap<>();
        for (EngineFactory f : factories) {
            if (byName.putIfAbsent(f.name(), f) != null) {
                throw new IllegalArgumentException("two engines registered as " + f.name());
            }
        }
        this.factories = Collections.unmodifiableMap(byName);
    }

    /** The engines of the default (CPU) build. */
    public static EngineRegistry standard() {
        return new EngineRegistry(List.of(new OnnxRuntimeCpuEngine.Factory()));
    }

    public Optional<EngineFactory> find(String name) {
        return Optional.ofNullable(factories.get(name));
    }

    /** Names users may write in {@code engine:}, {@code auto} first. */
    public List<String> names() {
        var names = new java.util.ArrayList<String>();
        names.add(AUTO);
        names.addAll(factories.keySet());
        return List.copyOf(names);
    }

    /**
     * Opens the engine named in the config. {@code auto} picks the best available engine; this build has
     * only the CPU engine, so it opens that one (the hardware selector replaces this in a later version).
     */
    public InferenceEngine open(String name, EngineOptions options) throws EngineException {
        String key = AUTO.equals(name) ? OnnxRuntimeCpuEngine.NAME : name;
        EngineFactory factory = factories.get(key);
        if (factory == null) {
            throw new EngineException("unknown engine '" + name + "'; use one of " + names());
        }
        return factory.open(options);
    }
}
