package io.edgecascade.cascade.quantize;

import io.edgecascade.engines.ModelHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The INT8 copies {@code model.precision: int8|auto} runs: made on first start from the calibration frames and kept
 * next to the model as {@code <stem>.int8-<key>.onnx}, the key a hash of the model's bytes and the calibration
 * settings, so a new model or new settings quantize again and an unchanged one is reused. When the model's folder is
 * read-only the copy goes to the engine cache folder instead.
 */
public final class QuantizedModels {

    /** Bumped when the quantizer's output changes, so old copies are not reused. */
    static final String VERSION = "qdq-2";

    private QuantizedModels() {
    }

    /** Where the INT8 copy of {@code model} for these settings lives (it may not exist yet). */
    public static Path path(Path model, String calibration, int frames, Quantizer.Options options, Path cacheDir)
            throws IOException {
        return path(model, calibration, frames, options, cacheDir, Files.isWritable(model.toAbsolutePath().getParent()));
    }

    static Path path(Path model, String calibration, int frames, Quantizer.Options options, Path cacheDir,
            boolean modelDirWritable) throws IOException {
        String key = ModelHash.sha256(ModelHash.sha256(model) + "|" + calibration + "|" + frames + "|"
                + options.method().id() + "|" + options.symmetric() + "|" + VERSION).substring(0, 16);
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String file = (dot > 0 ? name.substring(0, dot) : name) + ".int8-" + key + ".onnx";
        Path dir = model.toAbsolutePath().getParent();
        Path beside = dir.resolve(file);
        if (Files.exists(beside) || modelDirWritable) {
            return beside;
        }
        return cacheDir.resolve("quantized").resolve(file);
    }

    /**
     * The INT8 copy, quantized now if it does not exist yet (a fifth of the frames held out to report agreement).
     *
     * @param progress lines worth showing while it works
     */
    public static Path ensure(Path model, String calibration, int frames, Quantizer.Options options, Path cacheDir,
            Consumer<String> progress) throws QuantizeException {
        Path out;
        try {
            out = path(model, calibration, frames, options, cacheDir);
        } catch (IOException e) {
            throw new QuantizeException("cannot read " + model + ": " + e.getMessage());
        }
        if (Files.isRegularFile(out)) {
            progress.accept("using the INT8 model " + out + " (quantized earlier with the same model and settings)");
            return out;
        }
        progress.accept("quantizing " + model.getFileName() + " to INT8 from " + frames + " frames of " + calibration
                + " (first start only; the result is kept as " + out + ")");
        int[] size = Quantizer.inputSize(model);
        CalibrationFrames all = CalibrationFrames.load(calibration, frames, size[0], size[1], n -> {
            if (n % 10 == 0) {
                progress.accept("calibration frames read: " + n + "/" + frames);
            }
        });
        if (all.size() < 2) {
            throw new QuantizeException("only " + all.size() + " calibration frame from " + calibration
                    + "; model.calibration needs at least 2 frames");
        }
        int held = Math.max(1, all.size() / 5);
        QuantizeReport r = new Quantizer(options, progress).quantize(model, all.subList(0, all.size() - held),
                all.subList(all.size() - held, all.size()), out);
        progress.accept("INT8 model ready: " + r.summary());
        return out;
    }
}
