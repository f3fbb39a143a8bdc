package io.edgecascade.engines;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What an engine needs to load a model.
 *
 * @param model       the model file (ONNX)
 * @param threads     intra-op threads for CPU backends (at least 1)
 */
public record EngineOptions(Path model, int threads) {
    public EngineOptions {
        Objects.requireNonNull(model, "model");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }
}
