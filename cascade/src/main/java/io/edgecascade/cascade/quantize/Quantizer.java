package io.edgecascade.cascade.quantize;

import ai.onnx.proto.OnnxMl;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.detect.MeanAveragePrecision;
import io.edgecascade.cascade.detect.YoloxDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Static INT8 quantization of a YOLOX-style ONNX detector to QDQ, in Java.
 *
 * <ol>
 * <li>Calibration: the FP32 model, with every candidate activation (the Conv inputs) exposed as an extra
 * output, runs twice over the calibration frames: once for each tensor's range, once for its histogram.</li>
 * <li>Ranges: the {@link QuantMethod} picks each tensor's clipping range from its histogram.</li>
 * <li>Sensitivity: every tensor's signal-to-quantization-noise ratio comes from the same histograms (one pass, no
 * extra inference). If the fully quantized model's detections on a few calibration frames agree with FP32's less
 * than the target, the lowest-SQNR tensors are kept in float, their number found by doubling then bisection: a
 * handful of evaluations, each one session and a few frames.</li>
 * <li>Evaluation: mAP@0.5 of the INT8 model's detections against FP32's on frames never calibrated on, and the
 * median inference time of each.</li>
 * </ol>
 */
public final class Quantizer {

    /**
     * @param method            how activation ranges are chosen
     * @param threads           ONNX Runtime intra-op threads for calibration and timing
     * @param symmetric         zero points 0 for activations too (TensorRT's explicit quantization needs them)
     * @param target            calibration-frame agreement the sensitivity analysis aims for
     * @param sensitivityFrames calibration frames the sensitivity analysis evaluates on
     * @param minScore          detection score threshold when comparing detections
     * @param nmsIou            NMS IoU when comparing detections
     */
    public record Options(QuantMethod method, int threads, boolean symmetric, double target, int sensitivityFrames,
            float minScore, float nmsIou) {

        public static Options defaults() {
            return new Options(QuantMethod.ENTROPY, 1, false, 0.95, 50, 0.3f, 0.45f);
        }

        public Options withMethod(QuantMethod m) {
            return new Options(m, threads, symmetric, target, sensitivityFrames, minScore, nmsIou);
        }

        public Options withThreads(int t) {
            return new Options(method, t, symmetric, target, sensitivityFrames, minScore, nmsIou);
        }

        public Options withSymmetric(boolean s) {
            return new Options(method, threads, s, target, sensitivityFrames, minScore, nmsIou);
        }
    }

    private final Options options;
    private final Consumer<String> progress;

    public Quantizer(Options options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
    }

    /** The model's input width and height, to preprocess frames before {@link #quantize}. */
    public static int[] inputSize(Path model) throws QuantizeException {
        OnnxMl.ModelProto m = OnnxGraphs.load(model);
        OnnxMl.ValueInfoProto in = OnnxGraphs.inputs(m).get(0);
        var dims = in.getType().getTensorType().getShape().getDimList();
        if (dims.size() != 4 || dims.get(2).getDimValue() < 1 || dims.get(3).getDimValue() < 1) {
            throw new QuantizeException(model + ": input '" + in.getName() + "' is not [1,3,H,W] with a fixed size;"
                    + " export the model with a fixed input size");
        }
        return new int[] {(int) dims.get(3).getDimValue(), (int) dims.get(2).getDimValue()};
    }

    /** Quantizes {@code modelFile} into {@code out}, calibrating on {@code calibration}, evaluating on {@code eval}. */
    public QuantizeReport quantize(Path modelFile, CalibrationFrames calibration, CalibrationFrames eval, Path out)
            throws QuantizeException {
        if (calibration.size() == 0) {
            throw new QuantizeException("no calibration frames; pass --calibration with frames from your cameras");
        }
        if (eval.size() == 0) {
            throw new QuantizeException("no evaluation frames; pass --eval DIR or more calibration frames");
        }
        OnnxMl.ModelProto model = OnnxGraphs.load(modelFile);
        List<String> candidates = QdqWriter.candidates(model);
        if (candidates.isEmpty()) {
            throw new QuantizeException(modelFile + " has no Conv with constant weights to quantize");
        }
        Map<String, TensorHistogram> stats = calibrate(model, candidates, calibration);
        Map<String, QuantParams> params = new LinkedHashMap<>();
        Map<String, Double> sqnr = new HashMap<>();
        for (String t : candidates) {
            TensorHistogram h = stats.get(t);
            double[] r = h.range(options.method());
            QuantParams p = QuantParams.of(r[0], r[1], options.symmetric());
            params.put(t, p);
            sqnr.put(t, h.sqnrDb(p));
        }


        byte[] fp32 = model.toByteArray();
        CalibrationFrames sens = calibration.subList(0, Math.min(options.sensitivityFrames(), calibration.size()));
        List<List<Detection>> reference = detections(fp32, sens, null);
        Sensitivity s = sensitivity(model, candidates, params, sqnr, sens, reference);

        OnnxMl.ModelProto quantized = QdqWriter.write(model, s.params());
        write(quantized, out);

        progress.accept("evaluating on " + eval.size() + " held-out frames");
        long[] fp32Nanos = new long[eval.size()];
        long[] int8Nanos = new long[eval.size()];
        List<List<Detection>> ref = detections(fp32, eval, fp32Nanos);
        List<List<Detection>> got = detections(quantized.toByteArray(), eval, int8Nanos);
        double agreement = MeanAveragePrecision.of(ref, got, 0.5f);
        int[] counts = nodeCounts(quantized);
        return new QuantizeReport(agreement, median(fp32Nanos), median(int8Nanos), counts[0], counts[1], s.kept(),
                options.method().id(), calibration.size(), eval.size(), s.agreement());
    }

    private Map<String, TensorHistogram> calibrate(OnnxMl.ModelProto model, List<String> candidates,
            CalibrationFrames frames) throws QuantizeException {
        Set<String> outputs = new HashSet<>();
        model.getGraph().getOutputList().forEach(o -> outputs.add(o.getName()));
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
        for (String t : candidates) {
            if (!outputs.contains(t)) {
                g.addOutput(OnnxGraphs.floatOutput(t));
            }
        }
        Map<String, TensorHistogram> stats = new LinkedHashMap<>();
        candidates.forEach(t -> stats.put(t, new TensorHistogram()));
        Set<String> wanted = new LinkedHashSet<>(candidates);
        Set<String> inputNames = new HashSet<>();
        OnnxGraphs.inputs(model).forEach(i -> inputNames.add(i.getName()));
        try (OrtModel m = OrtModel.open(model.toBuilder().setGraph(g).build().toByteArray(), options.threads())) {
            wanted.removeAll(inputNames);
            for (int pass = 0; pass < 2; pass++) {
                progress.accept((pass == 0 ? "calibration: ranges" : "calibration: histograms") + " over "
                        + frames.size() + " frames");
                boolean ranges = pass == 0;
                for (int i = 0; i < frames.size(); i++) {
                    frames.fill(i, m.input());
                    for (String in : inputNames) {
                        if (stats.containsKey(in)) {
                            observe(stats.get(in), m.input().duplicate(), ranges);
                        }
                    }
                    m.run(wanted, (name, values) -> observe(stats.get(name), values, ranges));
                }
            }
        }
        return stats;
    }

    private static void observe(TensorHistogram h, java.nio.FloatBuffer values, boolean ranges) {
        if (ranges) {
            h.observeRange(values);
        } else {
            h.observeValues(values);
        }
    }

    /** The encodings to write, the tensors kept in float with their reasons, and the agreement reached. */
    private record Sensitivity(Map<String, QuantParams> params, List<QuantizeReport.KeptTensor> kept,
            double agreement) {
    }

    private Sensitivity sensitivity(OnnxMl.ModelProto model, List<String> candidates, Map<String, QuantParams> params,
            Map<String, Double> sqnr, CalibrationFrames frames, List<List<Detection>> reference)
            throws QuantizeException {
        List<String> ranked = new ArrayList<>(candidates);
        ranked.sort(Comparator.comparingDouble(sqnr::get));
        Map<Integer, Double> tried = new HashMap<>();
        int evaluations = 0;
        double all = agreementKeeping(model, params, ranked, 0, frames, reference);
        tried.put(0, all);
        progress.accept(String.format(Locale.ROOT, "sensitivity: every tensor in int8 agrees %.3f on %d calibration"
                + " frames (target %.2f)", all, frames.size(), options.target()));
        int best = 0;
        if (all < options.target()) {
            int low = 0;
            int high = -1;
            for (int k = 1; k <= ranked.size() && evaluations < 6; k = Math.min(k * 2, ranked.size())) {
                double a = agreementKeeping(model, params, ranked, k, frames, reference);
                evaluations++;
                tried.put(k, a);
                progress.accept(String.format(Locale.ROOT, "sensitivity: keeping the %d lowest-SQNR tensors in FP32"
                        + " agrees %.3f", k, a));
                if (a >= options.target()) {
                    high = k;
                    break;
                }
                low = k;
                if (k == ranked.size()) {
                    break;
                }
            }
            if (high < 0) {
                best = tried.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            } else {
                while (high - low > 1 && evaluations < 10) {
                    int mid = (low + high) / 2;
                    double a = agreementKeeping(model, params, ranked, mid, frames, reference);
                    evaluations++;
                    tried.put(mid, a);
                    progress.accept(String.format(Locale.ROOT, "sensitivity: keeping %d agrees %.3f", mid, a));
                    if (a >= options.target()) {
                        high = mid;
                    } else {
                        low = mid;
                    }
                }
                best = high;
            }
        }
        Map<String, QuantParams> kept = new LinkedHashMap<>(params);
        List<QuantizeReport.KeptTensor> reasons = new ArrayList<>();
        double reached = tried.get(best);
        for (String t : ranked.subList(0, best)) {
            kept.remove(t);
            reasons.add(new QuantizeReport.KeptTensor(t, sqnr.get(t), String.format(Locale.ROOT,
                    "among the %d tensors with the lowest int8 SQNR (%.1f dB); keeping them in FP32 raised agreement"
                            + " on %d calibration frames from %.3f to %.3f (target %.2f)", best, sqnr.get(t),
                    frames.size(), all, reached, options.target())));
        }
        return new Sensitivity(kept, reasons, reached);
    }

    private double agreementKeeping(OnnxMl.ModelProto model, Map<String, QuantParams> params, List<String> ranked,
            int keep, CalibrationFrames frames, List<List<Detection>> reference) throws QuantizeException {
        Map<String, QuantParams> p = new LinkedHashMap<>(params);
        ranked.subList(0, keep).forEach(p::remove);
        byte[] q = QdqWriter.write(model, p).toByteArray();
        return MeanAveragePrecision.of(reference, detections(q, frames, null), 0.5f);
    }

    /** The detector's output decoded per frame (frame = model input, ratio 1); inference times into {@code nanos}. */
    private List<List<Detection>> detections(byte[] model, CalibrationFrames frames, long[] nanos)
            throws QuantizeException {
        List<List<Detection>> out = new ArrayList<>();
        try (OrtModel m = OrtModel.open(model, options.threads())) {
            long[] shape = m.firstOutputShape();
            if (shape.length != 3 || shape[2] < 6 || shape[1] != YoloxDecoder.anchorCount(m.width(), m.height())) {
                throw new QuantizeException("model output " + Arrays.toString(shape) + " is not a YOLOX head [1,"
                        + YoloxDecoder.anchorCount(m.width(), m.height()) + ",5+classes]; the quantizer evaluates"
                        + " YOLOX detectors");
            }
            List<String> labels = IntStream.range(0, (int) shape[2] - 5).mapToObj(Integer::toString).toList();
            YoloxDecoder decoder = new YoloxDecoder(m.width(), m.height(), labels);
            if (frames.size() > 0) {
                frames.fill(0, m.input());
                m.runDetector(); // first run allocates; not timed
            }
            for (int i = 0; i < frames.size(); i++) {
                frames.fill(i, m.input());
                long t0 = System.nanoTime();
                var output = m.runDetector();
                if (nanos != null) {
                    nanos[i] = System.nanoTime() - t0;
                }
                out.add(decoder.decode(output, 1.0, m.width(), m.height(), options.minScore(), options.nmsIou()));
            }
        }
        return out;
    }

    /** [Conv nodes with int8 input and weights, other compute nodes (in float)]. */
    static int[] nodeCounts(OnnxMl.ModelProto quantized) {
        Set<String> quantizedTensors = new HashSet<>();
        for (OnnxMl.NodeProto n : quantized.getGraph().getNodeList()) {
            if (n.getOpType().equals("DequantizeLinear")) {
                quantizedTensors.add(n.getOutput(0));
            }
        }
        int q = 0;
        int f = 0;
        for (OnnxMl.NodeProto n : quantized.getGraph().getNodeList()) {
            String op = n.getOpType();
            if (op.equals("QuantizeLinear") || op.equals("DequantizeLinear")) {
                continue;
            }
            boolean int8 = op.equals("Conv") && quantizedTensors.contains(n.getInput(0))
                    && quantizedTensors.contains(n.getInput(1));
            if (int8) {
                q++;
            } else {
                f++;
            }
        }
        return new int[] {q, f};
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s.length == 0 ? 0 : s[s.length / 2] / 1e6;
    }

    private static void write(OnnxMl.ModelProto model, Path out) throws QuantizeException {
        try {
            Path dir = out.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".tmp");
            Files.write(tmp, model.toByteArray());
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new QuantizeException("cannot write " + out + ": " + e.getMessage() + "; choose a writable --out");
        }
    }
}
