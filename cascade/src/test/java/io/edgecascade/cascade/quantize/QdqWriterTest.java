package io.edgecascade.cascade.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.edgecascade.cascade.TestAssets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QDQ model's structure, on the real YOLOX-Nano: fast (no calibration), every check the runtimes rely on, and
 * that ONNX Runtime's CPU provider turns it into integer kernels.
 */
class QdqWriterTest {

    @TempDir
    Path dir;

    /** Every Conv but the first two in int8, every tensor the placement picks with one made-up encoding. */
    private static OnnxMl.ModelProto quantizedNano(int weightMax) throws Exception {
        OnnxMl.ModelProto model = OnnxGraphs.load(TestAssets.model());
        return QdqWriter.write(model, plan(model, 2, weightMax));
    }

    private static QdqWriter.Plan plan(OnnxMl.ModelProto model, int keptInFloat, int weightMax) {
        QdqPlacement placement = new QdqPlacement(model);
        Set<String> int8 = new LinkedHashSet<>();
        placement.convs().subList(keptInFloat, placement.convs().size()).forEach(c -> int8.add(c.getOutput(0)));
        Map<String, QuantParams> params = new LinkedHashMap<>();
        for (String t : placement.tensors(int8)) {
            params.put(t, QuantParams.of(-0.3, 8.0, weightMax == QdqWriter.INT8_ACTIVATION_WEIGHT_MAX));
        }
        return new QdqWriter.Plan(params, int8, weightMax, Map.of());
    }

    @Test
    void everyInt8ConvReadsAndWritesQdqPairsWithSevenBitWeightsAndInt32Biases() throws Exception {
        OnnxMl.ModelProto original = OnnxGraphs.load(TestAssets.model());
        OnnxMl.ModelProto q = quantizedNano(QdqWriter.UINT8_ACTIVATION_WEIGHT_MAX);
        assertEquals(13, OnnxGraphs.opset(q), "per-channel DequantizeLinear needs opset 13");
        Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
        q.getGraph().getInitializerList().forEach(t -> inits.put(t.getName(), t));
        Map<String, OnnxMl.NodeProto> quantizeOf = new HashMap<>();
        Map<String, OnnxMl.NodeProto> quantizeOfInput = new HashMap<>();
        Map<String, OnnxMl.NodeProto> dequantizeOf = new HashMap<>();
        for (OnnxMl.NodeProto n : q.getGraph().getNodeList()) {
            if (n.getOpType().equals("QuantizeLinear")) {
                quantizeOf.put(n.getOutput(0), n);
                quantizeOfInput.put(n.getInput(0), n);
            } else if (n.getOpType().equals("DequantizeLinear")) {
                dequantizeOf.put(n.getOutput(0), n);
            }
        }
        int int8 = 0;
        int floats = 0;
        for (OnnxMl.NodeProto n : q.getGraph().getNodeList()) {
            if (!n.getOpType().equals("Conv")) {
                continue;
            }
            OnnxMl.NodeProto wdq = dequantizeOf.get(n.getInput(1));
            if (wdq == null) {
                floats++;
                assertEquals(OnnxMl.TensorProto.DataType.FLOAT.getNumber(), inits.get(n.getInput(1)).getDataType(),
                        "a Conv kept in float keeps its float weight");
                assertFalse(quantizeOfInput.containsKey(n.getOutput(0)), "and its output is not quantized");
                continue;
            }
            int8++;
            // input: DQ(Q(x)) with the same scale and zero point
            OnnxMl.NodeProto dq = dequantizeOf.get(n.getInput(0));
            assertTrue(dq != null, "Conv " + n.getOutput(0) + " input is dequantized");
            OnnxMl.NodeProto qn = quantizeOf.get(dq.getInput(0));
            assertTrue(qn != null, "and its DequantizeLinear reads a QuantizeLinear");
            assertEquals(qn.getInput(1), dq.getInput(1), "same scale");
            assertEquals(qn.getInput(2), dq.getInput(2), "same zero point");
            float scale = floats(inits.get(dq.getInput(1)))[0];
            assertTrue(scale > 0 && Float.isFinite(scale));
            assertEquals(OnnxMl.TensorProto.DataType.UINT8.getNumber(), inits.get(dq.getInput(2)).getDataType());
            // output: a QuantizeLinear right after it, or ONNX Runtime does not fuse the Conv
            assertTrue(quantizeOfInput.containsKey(n.getOutput(0)), "Conv " + n.getOutput(0) + " output is quantized");
            // weights: int8 per output channel, symmetric, 7 bits (exact in VPMADDUBSW on AVX2)
            OnnxMl.TensorProto w = inits.get(wdq.getInput(0));
            assertEquals(OnnxMl.TensorProto.DataType.INT8.getNumber(), w.getDataType());
            float[] ws = floats(inits.get(wdq.getInput(1)));
            assertEquals(w.getDims(0), ws.length, "one scale per output channel");
            for (float s : ws) {
                assertTrue(s > 0 && Float.isFinite(s));
            }
            for (byte b : inits.get(wdq.getInput(2)).getRawData().toByteArray()) {
                assertEquals(0, b, "weight zero points are 0");
            }
            for (byte b : w.getRawData().toByteArray()) {
                assertTrue(b >= -63 && b <= 63, "7-bit weights with uint8 activations: " + b);
            }
            assertEquals(0, wdq.getAttribute(0).getI(), "per-channel along the output channels");
            // bias: int32, scale = input scale x weight scale
            if (n.getInputCount() > 2) {
                OnnxMl.NodeProto bdq = dequantizeOf.get(n.getInput(2));
                assertEquals(OnnxMl.TensorProto.DataType.INT32.getNumber(), inits.get(bdq.getInput(0)).getDataType());
                float[] bs = floats(inits.get(bdq.getInput(1)));
                for (int c = 0; c < bs.length; c++) {
                    assertEquals(scale * ws[c], bs[c], Math.abs(bs[c]) * 1e-5 + 1e-12);
                }
            }
        }
        assertEquals(2, floats);
        assertEquals(original.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Conv")).count(),
                int8 + floats);
        assertEquals(List.of(original.getGraph().getOutput(0).getName()),
                q.getGraph().getOutputList().stream().map(OnnxMl.ValueInfoProto::getName).toList());
        assertEquals(int8, Quantizer.nodeCounts(q)[0], "the report counts the same int8 Convs");
    }

    @Test
    void onnxRuntimeRunsEveryInt8ConvAndTheSiluBetweenThemOnIntegerKernels() throws Exception {
        OnnxMl.ModelProto q = quantizedNano(QdqWriter.UINT8_ACTIVATION_WEIGHT_MAX);
        int int8 = Quantizer.nodeCounts(q)[0];
        Map<String, Integer> ops = OrtModel.optimizedOps(q.toByteArray(), 1);
        assertEquals(int8, ops.getOrDefault("QLinearConv", 0), "every int8 Conv is fused: " + ops);
        assertTrue(ops.getOrDefault("QLinearSigmoid", 0) >= int8 - 12, "the SiLU's Sigmoid in int8: " + ops);
        assertTrue(ops.getOrDefault("QLinearMul", 0) >= int8 - 12, "and its Mul: " + ops);
        assertTrue(ops.getOrDefault("DequantizeLinear", 0) < 20, "few tensors go back to float: " + ops);
        // the unfused form, for contrast: quantized Conv inputs without quantized outputs stay float Convs
        OnnxMl.ModelProto model = OnnxGraphs.load(TestAssets.model());
        QdqWriter.Plan full = plan(model, 0, QdqWriter.UINT8_ACTIVATION_WEIGHT_MAX);
        Map<String, QuantParams> inputsOnly = new LinkedHashMap<>();
        new QdqPlacement(model).convs().forEach(c -> inputsOnly.put(c.getInput(0), full.activations().get(c.getInput(0))));
        Map<String, Integer> unfused = OrtModel.optimizedOps(QdqWriter.write(model, new QdqWriter.Plan(inputsOnly,
                full.int8Convs(), full.weightMax(), Map.of())).toByteArray(), 1);
        assertEquals(0, unfused.getOrDefault("QLinearConv", 0), "DQ -> Conv without Q is not fused: " + unfused);
    }

    @Test
    void symmetricQuantizationUsesInt8ActivationsAndTheFullWeightRange() throws Exception {
        OnnxMl.ModelProto q = quantizedNano(QdqWriter.INT8_ACTIVATION_WEIGHT_MAX);
        Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
        q.getGraph().getInitializerList().forEach(t -> inits.put(t.getName(), t));
        int widest = 0;
        for (OnnxMl.NodeProto n : q.getGraph().getNodeList()) {
            if (n.getOpType().equals("QuantizeLinear")) {
                assertEquals(OnnxMl.TensorProto.DataType.INT8.getNumber(), inits.get(n.getInput(2)).getDataType());
            }
            if (n.getOpType().equals("DequantizeLinear") && n.getInput(0).endsWith("_quantized")
                    && inits.get(n.getInput(0)).getDataType() == OnnxMl.TensorProto.DataType.INT8.getNumber()) {
                for (byte b : inits.get(n.getInput(0)).getRawData().toByteArray()) {
                    widest = Math.max(widest, Math.abs(b));
                }
            }
        }
        assertEquals(127, widest);
    }

    @Test
    void theQuantizedModelLoadsAndRunsInOnnxRuntime() throws Exception {
        try (OrtModel m = OrtModel.open(quantizedNano(QdqWriter.UINT8_ACTIVATION_WEIGHT_MAX).toByteArray(), 1)) {
            m.input().clear();
            while (m.input().hasRemaining()) {
                m.input().put(114f);
            }
            m.input().flip();
            var out = m.runDetector();
            assertEquals(3549 * 85, out.remaining());
        }
    }

    @Test
    void biasCorrectionTakesBackTheMeanShiftOfRoundedWeights() {
        // two output channels, one input channel each (depthwise), 2 weights each; scale 0.1
        float[] values = {0.14f, -0.26f, 0.5f, 0.5f};
        byte[] codes = {1, -3, 5, 5};
        QdqWriter.QuantizedWeight w = new QdqWriter.QuantizedWeight(values, codes, new float[] {0.1f, 0.1f},
                new long[] {2, 1, 1, 2});
        float[] corrected = QdqWriter.correctBias(new float[] {1f, 2f}, w, new float[] {10f, 3f}, 2);
        // channel 0: rounding error (0.1 - 0.14) + (-0.3 + 0.26) = -0.08, times mean 10 = -0.8
        assertEquals(1.8f, corrected[0], 1e-5);
        assertEquals(2f, corrected[1], 1e-5, "exact weights need no correction");
        assertArrayEquals(new float[] {1f, 2f}, QdqWriter.correctBias(new float[] {1f, 2f}, w, new float[] {1f}, 2),
                1e-9f, "means of the wrong size are ignored");
    }

    @Test
    void theSiluAfterAConvAndTheHeadsSigmoidsAreRecognised() throws Exception {
        OnnxMl.ModelProto model = OnnxGraphs.load(TestAssets.model());
        QdqPlacement p = new QdqPlacement(model);
        assertEquals(113, p.convs().size());
        long silu = p.convs().stream().filter(c -> p.use(c.getOutput(0)) == QdqPlacement.Use.SILU).count();
        long sigmoid = p.convs().stream().filter(c -> p.use(c.getOutput(0)) == QdqPlacement.Use.SIGMOID).count();
        assertEquals(104, silu, "every Conv but the head's last nine ends in a SiLU");
        assertEquals(6, sigmoid, "objectness and class logits are read through a Sigmoid");
        Set<String> all = new HashSet<>();
        p.convs().forEach(c -> all.add(c.getOutput(0)));
        Set<String> tensors = p.tensors(all);
        assertFalse(tensors.contains(model.getGraph().getOutput(0).getName()), "the output stays float");
        long maxPools = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("MaxPool"))
                .filter(n -> p.passThroughSource(n.getOutput(0)) != null).count();
        assertEquals(3, maxPools, "pooling keeps its input's encoding");
    }

    @Test
    void badModelsGiveOneLineNamingTheFix() throws Exception {
        Path text = Files.writeString(dir.resolve("model.onnx"), "this is not a model\n");
        assertMessage(text, "is not an ONNX model");
        assertMessage(tiny("Identity", 7, ""), "opset 7");
        assertMessage(tiny("Softmax", 11, ""), "operator Softmax at opset 11 is not supported");
        assertMessage(tiny("Gelu", 17, "com.microsoft"), "not a standard ONNX operator");
        assertMessage(tiny("QuantizeLinear", 13, ""), "already quantized");
        assertMessage(dir.resolve("missing.onnx"), "model file not found");
    }

    private void assertMessage(Path model, String expected) {
        QuantizeException e = org.junit.jupiter.api.Assertions.assertThrows(QuantizeException.class,
                () -> OnnxGraphs.load(model));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    private Path tiny(String op, int opset, String domain) throws Exception {
        OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())).build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("tiny")
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(type))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(type))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).setDomain(domain).addInput("x").addOutput("y"))
                .build();
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder().setIrVersion(7)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(graph).build();
        return Files.write(dir.resolve(op + opset + ".onnx"), model.toByteArray());
    }

    private static float[] floats(OnnxMl.TensorProto t) {
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }
}
