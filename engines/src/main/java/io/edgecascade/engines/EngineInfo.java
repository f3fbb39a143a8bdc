package io.edgecascade.engines;

import java.util.Objects;

/**
 * Describes a loaded engine: {@code name} is the registry key (e.g. {@code onnxruntime-cpu}), {@code device}
 * where it runs ({@code cpu}, {@code cuda:0}), {@code precision} the arithmetic the model uses ({@code fp32},
 * {@code int8}), {@code model} the model file name.
 */
public record EngineInfo(String name, String device, String precision, String model) {
    public EngineInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(model, "model");
    }

    @Override
    public String toString() {
        return name + " (" + device + ", " + precision + ", " + model + ")";
    }
}
