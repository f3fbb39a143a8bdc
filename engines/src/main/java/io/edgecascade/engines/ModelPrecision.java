package io.edgecascade.engines;

import java.nio.file.Path;
import java.util.Locale;

/** Reads the precision a model file declares by the project's naming convention ({@code *int8*.onnx}). */
public final class ModelPrecision {
    private ModelPrecision() {
    }

    public static String of(Path model) {
        String name = model.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.contains("int8") || name.contains("qdq") || name.contains("quant")) {
            return "int8";
        }
        if (name.contains("fp16")) {
            return "fp16";
        }
        return "fp32";
    }
}
