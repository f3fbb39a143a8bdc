package io.edgecascade.cascade.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One engine configuration a benchmark runs: {@code ENGINE[:key=value]...}, for example
 * {@code onnxruntime-cpu}, {@code onnxruntime-cpu:threads=1}, or {@code onnxruntime-cpu:model=yolox_nano_int8.onnx}
 * to compare a model of another precision. Keys: {@code threads} (inference threads), {@code model} (model
 * file, default the bench's {@code --model}), {@code workers} (detector workers, each with its own session of
 * {@code threads} threads, as {@code pipeline.detector_workers}); and the bare words {@code fp32} (the model as it is)
 * or {@code int8} (its quantized copy, made by the bench command as {@code model.precision: int8} would).
 *
 * @param spec    the text it was parsed from, used as its name in reports
 * @param engine  registry name ({@code auto} allowed)
 * @param threads inference threads
 * @param model   the model file
 * @param workers detector workers in the pipeline pass
 * @param int8    run the INT8 copy of the model
 */
public record EngineVariant(String spec, String engine, int threads, Path model, int workers, boolean int8) {

    public EngineVariant {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(model, "model");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1");
        }
    }

    /** One detector worker, the model as it is. */
    public EngineVariant(String spec, String engine, int threads, Path model) {
        this(spec, engine, threads, model, 1, false);
    }

    /** This variant running {@code file} (the INT8 copy once it exists). */
    public EngineVariant withModel(Path file) {
        return new EngineVariant(spec, engine, threads, file, workers, int8);
    }

    /**
     * Parses one variant; {@code threads} and {@code model} are taken from the defaults unless the spec sets them.
     *
     * @throws IllegalArgumentException naming what is wrong and the accepted form
     */
    public static EngineVariant parse(String spec, int defaultThreads, Path defaultModel) {
        String s = spec == null ? "" : spec.trim();
        String[] parts = s.split(":");
        String engine = parts[0].trim();
        if (engine.isEmpty()) {
            throw new IllegalArgumentException("variant '" + spec + "' names no engine; write ENGINE[:threads=N]"
                    + "[:model=FILE], e.g. onnxruntime-cpu:threads=1");
        }
        int threads = defaultThreads;
        int workers = 1;
        boolean int8 = false;
        Path model = defaultModel;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            String key = eq < 0 ? p : p.substring(0, eq).trim();
            String value = eq < 0 ? "" : p.substring(eq + 1).trim();
            switch (key) {
                case "threads" -> threads = wholeNumber(spec, key, value, 256);
                case "fp32" -> int8 = false;
                case "int8" -> int8 = true;
                case "workers" -> workers = wholeNumber(spec, key, value, 64);
                case "model" -> {
                    if (value.isEmpty()) {
                        throw new IllegalArgumentException("variant '" + spec + "': model= needs a file");
                    }
                    model = Path.of(value);
                }
                default -> throw new IllegalArgumentException("variant '" + spec + "': unknown option '" + key
                        + "'; options are threads=N, workers=N, model=FILE, fp32 and int8, e.g. onnxruntime-cpu:threads=1");
            }
        }
        return new EngineVariant(s, engine, threads, model, workers, int8);
    }

    private static int wholeNumber(String spec, String key, String value, int max) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > max) {
            throw new IllegalArgumentException("variant '" + spec + "': " + key + " must be a whole number 1.." + max
                    + ", got '" + value + "'");
        }
        return n;
    }

    /** Parses a {@code --compare} list: variants separated by commas. */
    public static List<EngineVariant> parseList(String specs, int defaultThreads, Path defaultModel) {
        List<EngineVariant> out = new ArrayList<>();
        for (String spec : specs.split(",")) {
            if (!spec.isBlank()) {
                out.add(parse(spec, defaultThreads, defaultModel));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--compare lists no variant; write e.g."
                    + " onnxruntime-cpu:threads=1,onnxruntime-cpu:threads=2");
        }
        return List.copyOf(out);
    }
}
