package io.edgecascade.app.cli;

import io.edgecascade.cascade.quantize.CalibrationFrames;
import io.edgecascade.cascade.quantize.QuantMethod;
import io.edgecascade.cascade.quantize.QuantizeException;
import io.edgecascade.cascade.quantize.QuantizeReport;
import io.edgecascade.cascade.quantize.Quantizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edge-cascade quantize}: static INT8 (QDQ) quantization of an FP32 detector, calibrated on camera frames. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Quantize an FP32 ONNX detector to INT8 (QDQ: int8 per-channel Conv weights, int32 biases,"
                + " calibrated activations), the format ONNX Runtime, TensorRT and OpenVINO run.",
                "Calibrates on frames preprocessed as the detector does, keeps the activations int8 hurts most in FP32,"
                + " and reports how far the INT8 model's detections agree with the FP32 model's on frames it was not"
                + " calibrated on."})
final class QuantizeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "IN.onnx", description = "The FP32 model.")
    Path model;

    @Option(names = "--calibration", required = true, paramLabel = "DIR|VIDEO|URL",
            description = "Frames to calibrate on: a folder of .jpg/.png, a video file or a stream URL (every "
                    + "5th frame).")
    String calibration;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "50",
            description = "Calibration frames to read (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--out", required = true, paramLabel = "OUT.onnx", description = "Where the INT8 model goes.")
    Path out;

    @Option(names = "--method", paramLabel = "M", defaultValue = "mse",
            description = "Activation ranges: mse, minmax, percentile or entropy (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--eval", paramLabel = "DIR", description = "Frames to measure agreement on (default: a held-out"
            + " fifth of the calibration frames, never calibrated on).")
    String eval;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the report as JSON.")
    Path report;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "ONNX Runtime threads for calibration and timing (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--symmetric", description = "Int8 activations with zero point 0 (TensorRT's explicit"
            + " quantization needs them); default uint8 with a zero point, as ONNX Runtime on x86 prefers.")
    boolean symmetric;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (frames < 2 || frames > 100_000) {
            throw new UserError("--frames must be 2..100000, got " + frames, UserError.USAGE, null);
        }
        if (threads < 1 || threads > 256) {
            throw new UserError("--threads must be 1..256, got " + threads, UserError.USAGE, null);
        }
        PrintWriter console = spec.commandLine().getOut();
        try {
            QuantMethod m = QuantMethod.parse(method);
            Quantizer.Options options = Quantizer.Options.defaults().withMethod(m).withThreads(threads)
                    .withSymmetric(symmetric);
            int[] size = Quantizer.inputSize(model);
            CalibrationFrames all = CalibrationFrames.load(calibration, frames, size[0], size[1], n -> { });
            CalibrationFrames calib = all;
            CalibrationFrames evalFrames;
            if (eval != null) {
                evalFrames = CalibrationFrames.load(eval, Integer.MAX_VALUE, size[0], size[1], n -> { });
            } else {
                if (all.size() < 2) {
                    throw new QuantizeException("only " + all.size() + " calibration frame in " + calibration
                            + "; give at least 2 (a fifth is held out for evaluation) or pass --eval DIR");
                }
                int held = Math.max(1, all.size() / 5);
                calib = all.subList(0, all.size() - held);
                evalFrames = all.subList(all.size() - held, all.size());
            }
            console.println("quantize: " + calib.size() + " calibration frames, " + evalFrames.size()
                    + " evaluation frames, method " + m.id());
            console.flush();
            QuantizeReport r = new Quantizer(options, line -> {
                console.println("quantize: " + line);
                console.flush();
            }).quantize(model, calib, evalFrames, out);
            console.println("quantize: " + r.summary());
            console.println("quantize: wrote " + out.toAbsolutePath());
            if (report != null) {
                try {
                    r.write(report);
                } catch (IOException e) {
                    throw new UserError("cannot write " + report + ": " + e.getMessage()
                            + "; choose a writable --report path", UserError.FAILED, e);
                }
                console.println("quantize: report " + report.toAbsolutePath());
            }
            console.flush();
            return 0;
        } catch (QuantizeException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
    }
}
