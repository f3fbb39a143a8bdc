package io.edgecascade.cascade.quantize;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites an FP32 model into QDQ form following a {@link Plan}: every chosen activation gets a
 * QuantizeLinear/DequantizeLinear pair right after the node that makes it (its readers read the dequantized copy);
 * the weight of every int8 Conv becomes an int8 initializer quantized per output channel (symmetric, zero point 0)
 * behind a DequantizeLinear, and its bias int32 with scale input scale x weight scale, corrected for the mean error
 * the weight rounding adds to each output channel. Runtimes fuse the {@code DQ -> Conv -> Q} patterns into integer
 * convolutions (ONNX Runtime QLinearConv, TensorRT explicit quantization, OpenVINO low precision); see
 * {@link QdqPlacement} for where the pairs go.
 */
final class QdqWriter {

    static final String Q_SUFFIX = "_QuantizeLinear";
    static final String DQ_SUFFIX = "_DequantizeLinear";

    /**
     * Weight magnitude limit with uint8 activations: 63 (7 bits). ONNX Runtime's x86 uint8 x int8 kernels on CPUs
     * without VNNI (AVX2) multiply with VPMADDUBSW, which adds two products into a saturating int16: 255 x 127 x 2
     * overflows it and the result depends on the CPU, 255 x 63 x 2 does not. With 7-bit weights the integer
     * arithmetic is exact, and the same, on every x86 CPU (AVX2, AVX-512, VNNI).
     */
    static final int UINT8_ACTIVATION_WEIGHT_MAX = 63;
    /** With int8 activations (symmetric, for TensorRT) weights use the full -127..127. */
    static final int INT8_ACTIVATION_WEIGHT_MAX = 127;

    /**
     * What to quantize.
     *
     * @param activations  each activation to quantize and its encoding
     * @param int8Convs    the output tensors of the Convs whose weights and bias become integers (their inputs must be
     *                     in {@code activations})
     * @param weightMax    largest weight magnitude: {@link #UINT8_ACTIVATION_WEIGHT_MAX} or
     *                     {@link #INT8_ACTIVATION_WEIGHT_MAX}
     * @param channelMeans per-channel mean of Conv inputs over the calibration frames, for the bias correction
     *                     (a tensor missing here gets no correction)
     */
    record Plan(Map<String, QuantParams> activations, Set<String> int8Convs, int weightMax,
            Map<String, float[]> channelMeans) {

        Plan {
            if (weightMax < 1 || weightMax > 127) {
                throw new IllegalArgumentException("weightMax must be 1..127, got " + weightMax);
            }
        }
    }

    private QdqWriter() {
    }

    static boolean isQuantizableConv(OnnxMl.NodeProto n, Set<String> inits) {
        return n.getOpType().equals("Conv") && n.getInputCount() >= 2 && inits.contains(n.getInput(1));
    }

    static Set<String> initializerNames(OnnxMl.ModelProto model) {
        Set<String> s = new HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> s.add(t.getName()));
        return s;
    }

    /** The QDQ model of {@code plan}. */
    static OnnxMl.ModelProto write(OnnxMl.ModelProto model, Plan plan) throws QuantizeException {
        Map<String, QuantParams> activations = plan.activations();
        OnnxMl.GraphProto g = model.getGraph();
        Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
        g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        List<OnnxMl.TensorProto> newInits = new ArrayList<>();
        List<OnnxMl.NodeProto> constants = new ArrayList<>();
        List<OnnxMl.NodeProto> nodes = new ArrayList<>();
        Map<String, QuantizedWeight> weights = new HashMap<>();

        for (OnnxMl.ValueInfoProto in : OnnxGraphs.inputs(model)) {
            if (activations.containsKey(in.getName())) {
                addPair(in.getName(), activations.get(in.getName()), nodes, newInits);
            }
        }
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            OnnxMl.NodeProto.Builder b = n.toBuilder();
            for (int i = 0; i < b.getInputCount(); i++) {
                if (activations.containsKey(b.getInput(i))) {
                    b.setInput(i, b.getInput(i) + DQ_SUFFIX);
                }
            }
            if (n.getOpType().equals("Conv") && plan.int8Convs().contains(n.getOutput(0))) {
                QuantParams in = activations.get(n.getInput(0));
                if (in == null || !isQuantizableConv(n, inits.keySet())) {
                    throw new IllegalArgumentException("Conv " + n.getOutput(0) + " cannot run in int8: its input is"
                            + " not quantized or its weight is not constant");
                }
                String w = n.getInput(1);
                QuantizedWeight qw = weights.get(w);
                if (qw == null) {
                    qw = quantizeWeight(inits.get(w), plan.weightMax(), constants, newInits);
                    weights.put(w, qw);
                }
                b.setInput(1, w + DQ_SUFFIX);
                if (n.getInputCount() > 2 && inits.containsKey(n.getInput(2))) {
                    float[] bias = OnnxGraphs.floats(inits.get(n.getInput(2)));
                    float[] means = plan.channelMeans().get(n.getInput(0));
                    if (means != null) {
                        bias = correctBias(bias, qw, means, group(n));
                    }
                    String qName = n.getInput(2) + "_" + n.getOutput(0) + "_int32";
                    quantizeBias(bias, qName, in.scale(), qw.scales(), constants, newInits);
                    b.setInput(2, qName + DQ_SUFFIX);
                }
            }
            nodes.add(b.build());
            for (String out : n.getOutputList()) {
                if (activations.containsKey(out)) {
                    addPair(out, activations.get(out), nodes, newInits);
                }
            }
        }

        List<OnnxMl.NodeProto> all = new ArrayList<>(constants);
        all.addAll(nodes);
        Set<String> used = new HashSet<>();
        all.forEach(n -> used.addAll(n.getInputList()));
        OnnxMl.GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(all).clearInitializer();
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            if (used.contains(t.getName())) {
                gb.addInitializer(t);
            }
        }
        gb.addAllInitializer(newInits);
        // Value infos of rewritten tensors stay valid (same name, same float type); none need removing.
        OnnxMl.ModelProto.Builder mb = model.toBuilder().setGraph(gb).clearOpsetImport();
        for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
            boolean standard = o.getDomain().isEmpty() || "ai.onnx".equals(o.getDomain());
            mb.addOpsetImport(standard && o.getVersion() < OnnxGraphs.QDQ_OPSET
                    ? o.toBuilder().setVersion(OnnxGraphs.QDQ_OPSET).build() : o);
        }
        mb.setIrVersion(Math.max(model.getIrVersion(), 7));
        mb.setProducerName("edge-cascade quantize");
        return mb.build();
    }

    private static void addPair(String tensor, QuantParams p, List<OnnxMl.NodeProto> nodes,
            List<OnnxMl.TensorProto> inits) {
        String scale = tensor + "_scale";
        String zp = tensor + "_zero_point";
        inits.add(OnnxGraphs.floatTensor(scale, new float[] {p.scale()}));
        inits.add(p.unsigned() ? OnnxGraphs.uint8Tensor(zp, new byte[] {(byte) p.zeroPoint()})
                : OnnxGraphs.int8Tensor(zp, new byte[] {(byte) p.zeroPoint()}));
        nodes.add(OnnxMl.NodeProto.newBuilder().setOpType("QuantizeLinear").setName(tensor + Q_SUFFIX)
                .addInput(tensor).addInput(scale).addInput(zp).addOutput(tensor + Q_SUFFIX).build());
        nodes.add(OnnxMl.NodeProto.newBuilder().setOpType("DequantizeLinear").setName(tensor + DQ_SUFFIX)
                .addInput(tensor + Q_SUFFIX).addInput(scale).addInput(zp).addOutput(tensor + DQ_SUFFIX).build());
    }

    /** A Conv weight in int8: the float values, the codes and one scale per output channel. */
    record QuantizedWeight(float[] values, byte[] codes, float[] scales, long[] dims) {
    }

    /** Per-output-channel symmetric int8 within {@code -max..max}. */
    private static QuantizedWeight quantizeWeight(OnnxMl.TensorProto w, int max, List<OnnxMl.NodeProto> nodes,
            List<OnnxMl.TensorProto> inits) throws QuantizeException {
        float[] v = OnnxGraphs.floats(w);
        int channels = (int) w.getDims(0);
        int per = v.length / channels;
        float[] scales = new float[channels];
        byte[] q = new byte[v.length];
        for (int c = 0; c < channels; c++) {
            float m = 0;
            for (int i = c * per; i < (c + 1) * per; i++) {
                m = Math.max(m, Math.abs(v[i]));
            }
            scales[c] = m > 0 ? m / max : 1f;
            for (int i = c * per; i < (c + 1) * per; i++) {
                q[i] = (byte) Math.max(-max, Math.min(max, Math.round(v[i] / scales[c])));
            }
        }
        long[] dims = w.getDimsList().stream().mapToLong(Long::longValue).toArray();
        String name = w.getName();
        inits.add(OnnxGraphs.int8Tensor(name + "_quantized", q, dims));
        inits.add(OnnxGraphs.floatTensor(name + "_scale", scales, channels));
        inits.add(OnnxGraphs.int8Tensor(name + "_zero_point", new byte[channels], channels));
        nodes.add(dequantize(name, name + "_quantized", name + "_scale", name + "_zero_point"));
        return new QuantizedWeight(v, q, scales, dims);
    }

    /**
     * Bias correction: rounding the weights shifts each output channel's mean by sum((w_q - w) x mean input); the
     * bias takes that shift back. Depthwise convolutions, with 9 weights a channel, need it most.
     */
    static float[] correctBias(float[] bias, QuantizedWeight w, float[] inputMeans, int group) {
        int out = (int) w.dims()[0];
        int inPerGroup = (int) w.dims()[1];
        int per = w.values().length / out;
        int kernel = per / inPerGroup;
        int outPerGroup = out / group;
        if (inputMeans.length != inPerGroup * group) {
            return bias;
        }
        float[] corrected = bias.clone();
        for (int o = 0; o < out; o++) {
            int firstIn = (o / outPerGroup) * inPerGroup;
            double shift = 0;
            for (int i = 0; i < inPerGroup; i++) {
                double e = 0;
                for (int k = 0; k < kernel; k++) {
                    int at = o * per + i * kernel + k;
                    e += w.codes()[at] * (double) w.scales()[o] - w.values()[at];
                }
                shift += e * inputMeans[firstIn + i];
            }
            corrected[o] = (float) (bias[o] - shift);
        }
        return corrected;
    }

    private static int group(OnnxMl.NodeProto conv) {
        for (OnnxMl.AttributeProto a : conv.getAttributeList()) {
            if (a.getName().equals("group")) {
                return (int) Math.max(1, a.getI());
            }
        }
        return 1;
    }

    private static void quantizeBias(float[] v, String name, float inputScale, float[] weightScales,
            List<OnnxMl.NodeProto> nodes, List<OnnxMl.TensorProto> inits) {
        float[] scales = new float[v.length];
        int[] q = new int[v.length];
        for (int c = 0; c < v.length; c++) {
            scales[c] = inputScale * weightScales[c];
            q[c] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, Math.round((double) v[c] / scales[c])));
        }
        inits.add(OnnxGraphs.int32Tensor(name + "_quantized", q, v.length));
        inits.add(OnnxGraphs.floatTensor(name + "_scale", scales, v.length));
        inits.add(OnnxGraphs.int32Tensor(name + "_zero_point", new int[v.length], v.length));
        nodes.add(dequantize(name, name + "_quantized", name + "_scale", name + "_zero_point"));
    }

    private static OnnxMl.NodeProto dequantize(String name, String q, String scale, String zp) {
        return OnnxMl.NodeProto.newBuilder().setOpType("DequantizeLinear").setName(name + DQ_SUFFIX)
                .addInput(q).addInput(scale).addInput(zp).addOutput(name + DQ_SUFFIX)
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setI(0)
                        .setType(OnnxMl.AttributeProto.AttributeType.INT)).build();
    }
}
