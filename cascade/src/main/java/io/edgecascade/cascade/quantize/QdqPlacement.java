package io.edgecascade.cascade.quantize;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the Q/DQ pairs go so that ONNX Runtime's CPU provider runs the model on integer kernels.
 *
 * <p>ONNX Runtime fuses {@code DQ -> Conv -> Q} into QLinearConv, {@code DQ -> Sigmoid -> Q} into QLinearSigmoid,
 * {@code DQ, DQ -> Mul -> Q} into QLinearMul (likewise Add and Concat), and runs MaxPool, Resize, Slice, Reshape
 * and Transpose on the 8-bit codes when input and output share one encoding. A Conv whose output is not followed by
 * a QuantizeLinear is not fused at all: it dequantizes its input and weights on every run and convolves in float,
 * which is slower than the FP32 model. So an int8 Conv has its input and its output quantized, and every tensor
 * between int8 Convs that an integer kernel can produce is quantized too (the SiLU's Sigmoid and Mul, the
 * Concat/Add of the necks, the pooling). Convs kept in float get no pair at all.
 */
final class QdqPlacement {

    /** How a tensor's value is used by what reads it; a range is chosen to keep that use exact, not the raw value. */
    enum Use {
        /** read as it is */
        IDENTITY,
        /** only through a Sigmoid (a detection head's objectness and class logits) */
        SIGMOID,
        /** x * sigmoid(x): the SiLU after nearly every Conv of YOLOX and YOLOv5-8 */
        SILU;

        double apply(double x) {
            return switch (this) {
                case IDENTITY -> x;
                case SIGMOID -> 1 / (1 + Math.exp(-x));
                case SILU -> x / (1 + Math.exp(-x));
            };
        }
    }

    /** Operators with an integer kernel (or that move 8-bit codes as they are) on ONNX Runtime's CPU provider. */
    static final Set<String> INTEGER_OPS = Set.of("Sigmoid", "Mul", "Add", "Concat", "MaxPool", "AveragePool",
            "GlobalAveragePool", "LeakyRelu", "Resize", "Reshape", "Transpose", "Slice", "Flatten", "Squeeze",
            "Unsqueeze", "Identity");

    /** Operators that only move or pick values: their output keeps their input's encoding (ONNX Runtime drops the pair). */
    static final Set<String> PASS_THROUGH = Set.of("MaxPool", "Resize", "Reshape", "Transpose", "Slice", "Flatten",
            "Squeeze", "Unsqueeze", "Identity");

    private final OnnxMl.ModelProto model;
    private final Set<String> initializers;
    private final Set<String> constants = new HashSet<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Map<String, List<OnnxMl.NodeProto>> consumers = new HashMap<>();
    private final Map<String, OnnxMl.NodeProto> producer = new HashMap<>();
    private final List<OnnxMl.NodeProto> convs = new ArrayList<>();

    QdqPlacement(OnnxMl.ModelProto model) {
        this.model = model;
        this.initializers = QdqWriter.initializerNames(model);
        model.getGraph().getOutputList().forEach(o -> graphOutputs.add(o.getName()));
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals("Constant")) {
                constants.addAll(n.getOutputList());
            }
            n.getOutputList().forEach(o -> producer.put(o, n));
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
            if (QdqWriter.isQuantizableConv(n, initializers) && !initializers.contains(n.getInput(0))
                    && (n.getInputCount() < 3 || n.getInput(2).isEmpty() || initializers.contains(n.getInput(2)))) {
                convs.add(n);
            }
        }
    }

    /** The Convs that can run in int8 (constant weights and bias), in graph order. */
    List<OnnxMl.NodeProto> convs() {
        return convs;
    }

    /** The tensors to quantize when the Convs whose outputs are {@code int8Convs} run in int8, in graph order. */
    Set<String> tensors(Set<String> int8Convs) {
        Set<String> q = new HashSet<>();
        for (OnnxMl.NodeProto c : convs) {
            if (int8Convs.contains(c.getOutput(0))) {
                q.add(c.getInput(0));
                q.add(c.getOutput(0));
            }
        }
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            if (!INTEGER_OPS.contains(n.getOpType())) {
                continue;
            }
            List<String> data = dataInputs(n);
            if (!data.isEmpty() && q.containsAll(data)) {
                for (String o : n.getOutputList()) {
                    if (!graphOutputs.contains(o)) {
                        q.add(o);
                    }
                }
            }
        }
        Set<String> ordered = new LinkedHashSet<>();
        for (OnnxMl.ValueInfoProto in : OnnxGraphs.inputs(model)) {
            if (q.contains(in.getName())) {
                ordered.add(in.getName());
            }
        }
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            n.getOutputList().stream().filter(q::contains).forEach(ordered::add);
        }
        return ordered;
    }

    /** The inputs of {@code n} that are activations (not weights, shapes or other constants). */
    List<String> dataInputs(OnnxMl.NodeProto n) {
        return n.getInputList().stream().filter(i -> !i.isEmpty() && !initializers.contains(i)
                && !constants.contains(i)).toList();
    }

    /** How {@code tensor} is read: through a SiLU, only through Sigmoids, or as it is. */
    Use use(String tensor) {
        List<OnnxMl.NodeProto> readers = consumers.getOrDefault(tensor, List.of());
        if (readers.isEmpty() || graphOutputs.contains(tensor)) {
            return Use.IDENTITY;
        }
        boolean allSigmoid = readers.stream().allMatch(n -> n.getOpType().equals("Sigmoid"));
        if (allSigmoid) {
            return Use.SIGMOID;
        }
        if (readers.size() == 2) {
            OnnxMl.NodeProto sig = readers.stream().filter(n -> n.getOpType().equals("Sigmoid")).findFirst()
                    .orElse(null);
            OnnxMl.NodeProto mul = readers.stream().filter(n -> n.getOpType().equals("Mul")).findFirst().orElse(null);
            if (sig != null && mul != null && mul.getInputList().contains(sig.getOutput(0))) {
                return Use.SILU;
            }
        }
        return Use.IDENTITY;
    }

    /** The op that makes {@code tensor}, or null for a graph input. */
    String producerOp(String tensor) {
        OnnxMl.NodeProto n = producer.get(tensor);
        return n == null ? null : n.getOpType();
    }

    /** For the output of a pass-through op, the tensor whose encoding it keeps; else null. */
    String passThroughSource(String tensor) {
        OnnxMl.NodeProto n = producer.get(tensor);
        if (n == null || !PASS_THROUGH.contains(n.getOpType())) {
            return null;
        }
        List<String> data = dataInputs(n);
        return data.size() == 1 ? data.get(0) : null;
    }
}
