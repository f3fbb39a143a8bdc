package io.edgecascade.app.cli;

import io.edgecascade.cascade.bench.Bench;
import io.edgecascade.cascade.bench.BenchOptions;
import io.edgecascade.cascade.bench.BenchReport;
import io.edgecascade.cascade.bench.EngineVariant;
import io.edgecascade.cascade.detect.Labels;
import io.edgecascade.cascade.detect.ModelTypes;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.pipeline.DetectorSettings;
import io.edgecascade.cascade.pipeline.SourceFactory;
import io.edgecascade.cascade.quantize.QuantizeException;
import io.edgecascade.cascade.quantize.QuantizedModels;
import io.edgecascade.cascade.quantize.Quantizer;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.source.SourceUri;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edge-cascade bench}: the cascade on a video, measuring every stage in the pipeline and alone on the
 * same frames; prints a table, and with {@code --json} writes the report.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure the cascade on a video: per-stage latency (p50/p95/p99/mean), end-to-end frames/s,"
                + " detector invocation ratio, the standalone limits of decoder and detector on the same frames,"
                + " efficiency, peak RSS and JVM heap.",
                "Run it on a quiet machine: other load skews every figure."})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--source", required = true, paramLabel = "FILE|URL",
            description = "Video file or stream URL to read (as a camera's source:).")
    String source;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The detector model (ONNX).")
    Path model;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "Class names, one per line (default: coco_classes.txt beside the model).")
    Path labels;

    @Option(names = "--model-type", paramLabel = "TYPE", defaultValue = "yolox",
            description = "Decoder family of the model (default: ${DEFAULT-VALUE}).")
    String modelType;

    @Option(names = "--engine", paramLabel = "E", defaultValue = EngineRegistry.AUTO,
            description = "Engine to run the model on (default: ${DEFAULT-VALUE}); ignored with --compare.")
    String engine;

    @Option(names = "--threads", paramLabel = "N",
            description = "Inference threads (default: half the cores, as the config's threads:).")
    Integer threadsOption;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "0",
            description = "Frames to measure (default: the whole file; " + Bench.DEFAULT_STREAM_FRAMES
                    + " from a stream).")
    long frames;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "10",
            description = "Frames run through gate and detector before measuring each variant (default:"
                    + " ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--no-gate", description = "Send every frame to the detector (motion gate off).")
    boolean noGate;

    @Option(names = "--compare", paramLabel = "A,B", description = "Engine variants to measure on the same frames,"
            + " comma-separated: ENGINE[:threads=N][:workers=N][:model=FILE][:fp32|:int8], e.g."
            + " onnxruntime-cpu:threads=1,onnxruntime-cpu:threads=1:workers=2 or onnxruntime-cpu:fp32,onnxruntime-cpu:int8.")
    String compare;

    @Option(names = "--decode-gate", description = "Measure only one camera's capture cost, decode + motion gate per"
            + " frame: every frame to BGR (files) against the luma gate with BGR for passed frames only (live"
            + " cameras); no detector runs.")
    boolean decodeGate;

    @Option(names = "--batch", paramLabel = "N,N..", split = ",",
            description = "Measure only the detector's raw throughput by batch size (e.g. 1,2,4,8): the model rewritten"
                    + " to each batch, frames from --source, the sizes in interleaved rounds; no pipeline runs.")
    List<Integer> batch;

    @Option(names = "--calibration", paramLabel = "DIR|VIDEO",
            description = "Frames the int8 variants' model is quantized from, on first use (default: --source).")
    String calibration;

    @Option(names = "--json", paramLabel = "OUT", description = "Also write the report as JSON to this file.")
    Path json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (decodeGate) {
            return decodeGate();
        }
        if (batch != null) {
            return batchThroughput();
        }
        EngineRegistry engines = EngineRegistry.standard();
        BenchOptions options = options(engines);
        BenchReport report;
        try {
            report = new Bench(options, engines, SourceFactory.ffmpeg()).run();
        } catch (SourceException | EngineException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
        PrintWriter out = spec.commandLine().getOut();
        report.printTable(out);
        if (json != null) {
            try {
                report.write(json);
            } catch (IOException e) {
                throw new UserError("cannot write " + json + ": " + e.getMessage() + "; choose a writable --json path",
                        UserError.FAILED, e);
            }
            out.println("json: " + json.toAbsolutePath());
            out.flush();
        }
        return 0;
    }

    private int batchThroughput() {
        if (batch.isEmpty() || batch.stream().anyMatch(b -> b < 1 || b > 256)) {
            throw new UserError("--batch takes sizes 1..256, got " + batch, UserError.USAGE, null);
        }
        int threads = threadsOption != null ? threadsOption : io.edgecascade.engines.EngineOptions.defaultThreads();
        PrintWriter out = spec.commandLine().getOut();
        try {
            for (var r : io.edgecascade.cascade.bench.BatchThroughput.run(model, source, batch, threads, 5,
                    frames > 0 ? (int) Math.min(frames, 10_000) : 24)) {
                out.println(r);
            }
        } catch (QuantizeException | ai.onnxruntime.OrtException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
        out.flush();
        return 0;
    }

    private int decodeGate() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            for (var r : io.edgecascade.cascade.bench.DecodeGateBench.run(source,
                    MotionSettings.DEFAULTS.withEnabled(!noGate), frames)) {
                out.println(r);
            }
        } catch (SourceException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
        out.flush();
        return 0;
    }

    private BenchOptions options(EngineRegistry engines) {
        if (frames < 0) {
            throw usage("--frames must be 0 (all) or more, got " + frames);
        }
        if (warmup < 0) {
            throw usage("--warmup must be 0 or more, got " + warmup);
        }
        int threads = threadsOption != null ? threadsOption : io.edgecascade.engines.EngineOptions.defaultThreads();
        if (threads < 1 || threads > 256) {
            throw usage("--threads must be 1..256, got " + threads);
        }
        if (!ModelTypes.NAMES.contains(modelType)) {
            throw usage("--model-type '" + modelType + "' is not known; use one of " + ModelTypes.NAMES);
        }
        try {
            SourceUri uri = SourceUri.parse(source);
            if (!uri.live() && !Files.isRegularFile(Path.of(uri.location()))) {
                throw usage("--source: video file not found: " + uri.location() + "; pass a video file or a stream"
                        + " URL");
            }
        } catch (SourceException e) {
            throw usage("--source: " + e.getMessage());
        }
        List<EngineVariant> variants;
        try {
            variants = compare != null ? EngineVariant.parseList(compare, threads, model)
                    : List.of(new EngineVariant(engine, engine, threads, model));
        } catch (IllegalArgumentException e) {
            throw usage("--compare: " + e.getMessage());
        }
        for (EngineVariant v : variants) {
            if (!engines.names().contains(v.engine())) {
                throw usage("engine '" + v.engine() + "' is not known; use one of " + String.join(", ",
                        engines.names()));
            }
            if (!Files.isRegularFile(v.model())) {
                throw usage("model file not found: " + v.model() + "; pass --model (or model= in a variant) with an"
                        + " ONNX file, or run 'edge-cascade models pull'");
            }
        }
        variants = variants.stream().map(this::withInt8Model).toList();
        Path labelsFile = labels != null ? labels : model.toAbsolutePath().resolveSibling("coco_classes.txt");
        List<String> names;
        try {
            names = Labels.read(labelsFile);
        } catch (IOException e) {
            throw usage(e.getMessage() + (labels == null ? " (looked beside the model; pass --labels FILE)" : ""));
        }
        MotionSettings motion = MotionSettings.DEFAULTS.withEnabled(!noGate);
        DetectorSettings detector = new DetectorSettings(0.4f, 0.45f, Set.of(names.contains("person") ? "person"
                : names.get(0)));
        return new BenchOptions(source, variants, modelType, names, frames, warmup, motion, detector);
    }

    /** An int8 variant runs the model's INT8 copy, quantized now (50 frames) unless made before with these settings. */
    private EngineVariant withInt8Model(EngineVariant v) {
        if (!v.int8()) {
            return v;
        }
        String from = calibration != null ? calibration : source;
        try {
            return v.withModel(QuantizedModels.ensure(v.model(), from, 50, Quantizer.Options.defaults(),
                    io.edgecascade.engines.EngineOptions.defaultCacheDir(), line -> {
                        spec.commandLine().getErr().println("bench: " + line);
                        spec.commandLine().getErr().flush();
                    }));
        } catch (QuantizeException e) {
            throw new UserError("variant " + v.spec() + ": " + e.getMessage(), UserError.FAILED, e);
        }
    }

    private static UserError usage(String message) {
        return new UserError(message, UserError.USAGE, null);
    }
}
