package io.edgecascade.cascade.quantize;

import ai.onnx.proto.OnnxMl;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.detect.MeanAveragePrecision;
import io.edgecascade.cascade.detect.YoloxDecoder;
import java.io.IOException;
import java.nio.FloatBuffer;
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
            return new Options(QuantMethod.MSE, 1, false, 0.95, 50, 0.3f, 0.45f);
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
        QdqPlacement placement = new QdqPlacement(model);
        if (placement.convs().isEmpty()) {
            throw new QuantizeException(modelFile + " has no Conv with constant weights to quantize");
        }
        Set<String> allConvs = new LinkedHashSet<>();
        placement.convs().forEach(c -> allConvs.add(c.getOutput(0)));
        Set<String> tensors = placement.tensors(allConvs);
        Calibration cal = calibrate(model, placement, tensors, calibration);
        Map<String, QuantParams> params = encodings(placement, tensors, cal.histograms());
        Map<String, Double> convSqnr = new HashMap<>();
        for (OnnxMl.NodeProto c : placement.convs()) {
            convSqnr.put(c.getOutput(0), Math.min(sqnr(placement, cal, params, c.getInput(0)),
                    sqnr(placement, cal, params, c.getOutput(0))));
        }

        byte[] fp32 = model.toByteArray();
        CalibrationFrames sens = calibration.subList(0, Math.min(options.sensitivityFrames(), calibration.size()));
        List<List<Detection>> reference = detections(fp32, sens, null);
        Setup setup = new Setup(model, placement, allConvs, params, cal.channelMeans());
        Sensitivity s = sensitivity(setup, convSqnr, sens, reference);

        OnnxMl.ModelProto quantized = QdqWriter.write(model, setup.plan(s.int8Convs(), weightMax()));
        write(quantized, out);

        progress.accept("evaluating on " + eval.size() + " held-out frames");
        long[] fp32Nanos = new long[eval.size()];
        long[] int8Nanos = new long[eval.size()];
        List<List<Detection>> ref = detections(fp32, eval, fp32Nanos);
        byte[] int8 = quantized.toByteArray();
        List<List<Detection>> got = detections(int8, eval, int8Nanos);
        double agreement = MeanAveragePrecision.of(ref, got, 0.5f);
        int[] counts = nodeCounts(quantized);
        Map<String, Integer> fused = OrtModel.optimizedOps(int8, options.threads());
        int integerConvs = fused.getOrDefault("QLinearConv", 0) + fused.getOrDefault("ConvInteger", 0);
        return new QuantizeReport(agreement, median(fp32Nanos), median(int8Nanos), counts[0], counts[1], s.kept(),
                options.method().id(), calibration.size(), eval.size(), s.agreement(), integerConvs,
                weightMax() == QdqWriter.UINT8_ACTIVATION_WEIGHT_MAX ? 7 : 8);
    }

    private int weightMax() {
        return options.symmetric() ? QdqWriter.INT8_ACTIVATION_WEIGHT_MAX : QdqWriter.UINT8_ACTIVATION_WEIGHT_MAX;
    }

    /** What calibration saw: a histogram per tensor, and the per-channel mean of every Conv input. */
    private record Calibration(Map<String, TensorHistogram> histograms, Map<String, float[]> channelMeans) {
    }

    private Calibration calibrate(OnnxMl.ModelProto model, QdqPlacement placement, Set<String> tensors,
            CalibrationFrames frames) throws QuantizeException {
        Set<String> outputs = new HashSet<>();
        model.getGraph().getOutputList().forEach(o -> outputs.add(o.getName()));
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
        for (String t : tensors) {
            if (!outputs.contains(t)) {
                g.addOutput(OnnxGraphs.floatOutput(t));
            }
        }
        Set<String> convInputs = new HashSet<>();
        placement.convs().forEach(c -> convInputs.add(c.getInput(0)));
        Map<String, TensorHistogram> stats = new LinkedHashMap<>();
        tensors.forEach(t -> stats.put(t, new TensorHistogram()));
        Map<String, double[]> sums = new HashMap<>();
        Set<String> wanted = new LinkedHashSet<>(tensors);
        Set<String> inputNames = new HashSet<>();
        OnnxGraphs.inputs(model).forEach(i -> inputNames.add(i.getName()));
        try (OrtModel m = OrtModel.open(model.toBuilder().setGraph(g).build().toByteArray(), options.threads())) {
            wanted.removeAll(inputNames);
            for (int pass = 0; pass < 2; pass++) {
                progress.accept((pass == 0 ? "calibration: ranges" : "calibration: histograms") + " over "
                        + frames.size() + " frames");
                boolean ranges = pass == 0;
                OrtModel.TensorSink sink = (name, shape, values) -> {
                    observe(stats.get(name), values, ranges);
                    if (ranges && convInputs.contains(name)) {
                        addChannelSums(sums, name, shape, values);
                    }
                };
                for (int i = 0; i < frames.size(); i++) {
                    frames.fill(i, m.input());
                    for (String in : inputNames) {
                        if (stats.containsKey(in)) {
                            sink.accept(in, m.inputShape(), m.input().duplicate());
                        }
                    }
                    m.run(wanted, sink);
                }
            }
        }
        Map<String, float[]> means = new HashMap<>();
        sums.forEach((t, sum) -> {
            float[] mean = new float[sum.length];
            for (int c = 0; c < sum.length; c++) {
                mean[c] = (float) (sum[c] / frames.size());
            }
            means.put(t, mean);
        });
        return new Calibration(stats, means);
    }

    /** Adds the per-channel mean of one NCHW tensor of batch 1 to {@code sums}. */
    private static void addChannelSums(Map<String, double[]> sums, String name, long[] shape, FloatBuffer values) {
        if (shape.length != 4 || shape[0] != 1 || shape[1] < 1) {
            return;
        }
        int channels = (int) shape[1];
        int plane = (int) (shape[2] * shape[3]);
        double[] sum = sums.computeIfAbsent(name, k -> new double[channels]);
        int base = values.position();
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int i = base + c * plane, end = i + plane; i < end; i++) {
                s += values.get(i);
            }
            sum[c] += s / plane;
        }
    }

    private static void observe(TensorHistogram h, FloatBuffer values, boolean ranges) {
        if (ranges) {
            h.observeRange(values);
        } else {
            h.observeValues(values);
        }
    }

    /**
     * Each tensor's encoding, in graph order: a Sigmoid's output spans [0, 1]; a pass-through op's output keeps its
     * input's encoding (so ONNX Runtime moves the 8-bit codes as they are); anything else gets the range the method
     * chooses for the value as its readers use it.
     */
    private Map<String, QuantParams> encodings(QdqPlacement placement, Set<String> tensors,
            Map<String, TensorHistogram> stats) {
        Map<String, QuantParams> params = new LinkedHashMap<>();
        for (String t : tensors) {
            String source = placement.passThroughSource(t);
            if (source != null && params.containsKey(source)) {
                params.put(t, params.get(source));
            } else if ("Sigmoid".equals(placement.producerOp(t))) {
                params.put(t, QuantParams.of(0, 1, options.symmetric()));
            } else {
                double[] r = stats.get(t).range(options.method(), placement.use(t), options.symmetric());
                params.put(t, QuantParams.of(r[0], r[1], options.symmetric()));
            }
        }
        return params;
    }

    private static double sqnr(QdqPlacement placement, Calibration cal, Map<String, QuantParams> params, String t) {
        TensorHistogram h = cal.histograms().get(t);
        return h == null || !params.containsKey(t) ? 200 : h.sqnrDb(params.get(t), placement.use(t));
    }

    /** Everything needed to write the model for a choice of int8 Convs. */
    private record Setup(OnnxMl.ModelProto model, QdqPlacement placement, Set<String> allConvs,
            Map<String, QuantParams> params, Map<String, float[]> channelMeans) {

        QdqWriter.Plan plan(Set<String> int8Convs, int weightMax) {
            Map<String, QuantParams> activations = new LinkedHashMap<>();
            for (String t : placement.tensors(int8Convs)) {
                activations.put(t, params.get(t));
            }
            return new QdqWriter.Plan(activations, int8Convs, weightMax, channelMeans);
        }
    }

    /** The Convs left in int8, those kept in float with their reasons, and the agreement reached. */
    private record Sensitivity(Set<String> int8Convs, List<QuantizeReport.KeptTensor> kept, double agreement) {
    }

    private Sensitivity sensitivity(Setup setup, Map<String, Double> sqnr, CalibrationFrames frames,
            List<List<Detection>> reference) throws QuantizeException {
        List<String> ranked = new ArrayList<>(setup.allConvs());
        ranked.sort(Comparator.comparingDouble(sqnr::get));
        Map<Integer, Double> tried = new HashMap<>();
        int evaluations = 0;
        double all = agreementKeeping(setup, ranked, 0, frames, reference);
        tried.put(0, all);
        progress.accept(String.format(Locale.ROOT, "sensitivity: every Conv in int8 agrees %.3f on %d calibration"
                + " frames (target %.2f)", all, frames.size(), options.target()));
        int best = 0;
        if (all < options.target()) {
            int low = 0;
            int high = -1;
            for (int k = 1; k <= ranked.size() && evaluations < 6; k = Math.min(k * 2, ranked.size())) {
                double a = agreementKeeping(setup, ranked, k, frames, reference);
                evaluations++;
                tried.put(k, a);
                progress.accept(String.format(Locale.ROOT, "sensitivity: keeping the %d lowest-SQNR Convs in FP32"
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
                    double a = agreementKeeping(setup, ranked, mid, frames, reference);
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
        double reached = tried.get(best);
        List<QuantizeReport.KeptTensor> reasons = new ArrayList<>();
        for (String t : ranked.subList(0, best)) {
            reasons.add(new QuantizeReport.KeptTensor(t, sqnr.get(t), String.format(Locale.ROOT,
                    "the Conv making it is among the %d with the lowest int8 SQNR (%.1f dB, input or output as its"
                            + " readers use it); keeping them in FP32 raised agreement on %d calibration frames from"
                            + " %.3f to %.3f (target %.2f)", best, sqnr.get(t), frames.size(), all, reached,
                    options.target())));
        }
        return new Sensitivity(int8Keeping(setup, ranked, best), reasons, reached);
    }

    private static Set<String> int8Keeping(Setup setup, List<String> ranked, int keep) {
        Set<String> int8 = new LinkedHashSet<>(setup.allConvs());
        ranked.subList(0, keep).forEach(int8::remove);
        return int8;
    }

    /**
     * Agreement on the calibration frames with {@code keep} Convs in float, for the search. The INT8 candidate's
     * detections count down to half the score threshold against FP32's at the threshold: a box INT8 scores 0.29
     * where FP32 scores 0.31 is the same detection, not a miss. Counted strictly, the search's curve is dominated by
     * such boxes flipping at the threshold, which tiny float differences between CPUs decide, and the search would
     * keep a different number of Convs in float on each machine. The reported agreement stays strict.
     */
    private double agreementKeeping(Setup setup, List<String> ranked, int keep, CalibrationFrames frames,
            List<List<Detection>> reference) throws QuantizeException {
        byte[] q = QdqWriter.write(setup.model(), setup.plan(int8Keeping(setup, ranked, keep), weightMax())).toByteArray();
        return MeanAveragePrecision.of(reference, detections(q, frames, null, options.minScore() / 2), 0.5f);
    }

    /** The detector's output decoded per frame (frame = model input, ratio 1); inference times into {@code nanos}. */
    private List<List<Detection>> detections(byte[] model, CalibrationFrames frames, long[] nanos)
            throws QuantizeException {
        return detections(model, frames, nanos, options.minScore());
    }

    /**
     * The detector's output decoded per frame (frame = model input, ratio 1) down to {@code minScore}; inference
     * times into {@code nanos}.
     */
    private List<List<Detection>> detections(byte[] model, CalibrationFrames frames, long[] nanos, float minScore)
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
                out.add(decoder.decode(output, 1.0, m.width(), m.height(), minScore, options.nmsIou()));
            }
        }
        return out;
    }

    /** [Conv nodes with int8 input, weights and output, other compute nodes (in float)]. */
    static int[] nodeCounts(OnnxMl.ModelProto quantized) {
        Set<String> dequantized = new HashSet<>();
        Set<String> quantizedOutputs = new HashSet<>();
        for (OnnxMl.NodeProto n : quantized.getGraph().getNodeList()) {
            if (n.getOpType().equals("DequantizeLinear")) {
                dequantized.add(n.getOutput(0));
            } else if (n.getOpType().equals("QuantizeLinear")) {
                quantizedOutputs.add(n.getInput(0));
            }
        }
        int q = 0;
        int f = 0;
        for (OnnxMl.NodeProto n : quantized.getGraph().getNodeList()) {
            String op = n.getOpType();
            if (op.equals("QuantizeLinear") || op.equals("DequantizeLinear")) {
                continue;
            }
            boolean int8 = op.equals("Conv") && dequantized.contains(n.getInput(0))
                    && dequantized.contains(n.getInput(1)) && quantizedOutputs.contains(n.getOutput(0));
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
