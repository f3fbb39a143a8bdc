package io.edgecascade.cascade.quantize;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QDQ model's structure, on the real YOLOX-Nano: fast (no calibration), every check the runtimes rely on. */
class QdqWriterTest {

    @TempDir
    Path dir;

    private static OnnxMl.ModelProto quantizedNano() throws Exception {
        OnnxMl.ModelProto model = OnnxGraphs.load(TestAssets.model());
        Map<String, QuantParams> params = new LinkedHashMap<>();
        for (String t : QdqWriter.candidates(model)) {
            params.put(t, QuantParams.of(-0.3, 8.0, false));
        }
        return QdqWriter.write(model, params);
    }

    @Test
    void everyConvInputAndWeightHasAMatchingQdqPairWithScalesAndZeroPointsInRange() throws Exception {
        OnnxMl.ModelProto original = OnnxGraphs.load(TestAssets.model());
        OnnxMl.ModelProto q = quantizedNano();
        assertEquals(13, OnnxGraphs.opset(q), "per-channel DequantizeLinear needs opset 13");
        Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
        q.getGraph().getInitializerList().forEach(t -> inits.put(t.getName(), t));
        Map<String, OnnxMl.NodeProto> quantizeOf = new HashMap<>();
        Map<String, OnnxMl.NodeProto> dequantizeOf = new HashMap<>();
        for (OnnxMl.NodeProto n : q.getGraph().getNodeList()) {
            if (n.getOpType().equals("QuantizeLinear")) {
                quantizeOf.put(n.getOutput(0), n);
            } else if (n.getOpType().equals("DequantizeLinear")) {
                dequantizeOf.put(n.getOutput(0), n);
            }
        }
        int convs = 0;
        for (OnnxMl.NodeProto n : q.getGraph().getNodeList()) {
            if (!n.getOpType().equals("Conv")) {
                continue;
            }
            convs++;
            // input: DQ(Q(x)) with the same scale and zero point
            OnnxMl.NodeProto dq = dequantizeOf.get(n.getInput(0));
            assertTrue(dq != null, "Conv " + n.getName() + " input is dequantized");
            OnnxMl.NodeProto qn = quantizeOf.get(dq.getInput(0));
            assertTrue(qn != null, "and its DequantizeLinear reads a QuantizeLinear");
            assertEquals(qn.getInput(1), dq.getInput(1), "same scale");
            assertEquals(qn.getInput(2), dq.getInput(2), "same zero point");
            float scale = floats(inits.get(dq.getInput(1)))[0];
            assertTrue(scale > 0 && Float.isFinite(scale));
            OnnxMl.TensorProto zp = inits.get(dq.getInput(2));
            assertEquals(OnnxMl.TensorProto.DataType.UINT8.getNumber(), zp.getDataType());
            // weights: int8 per output channel, symmetric, values within -127..127
            OnnxMl.NodeProto wdq = dequantizeOf.get(n.getInput(1));
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
                assertTrue(b >= -127, "symmetric weights never use -128");
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
        assertEquals(original.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Conv")).count(),
                convs);
        Set<String> floatWeights = new HashSet<>();
        for (OnnxMl.TensorProto t : q.getGraph().getInitializerList()) {
            if (t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT.getNumber() && t.getDimsCount() == 4) {
                floatWeights.add(t.getName());
            }
        }
        assertTrue(floatWeights.isEmpty(), "no float Conv weight is left: " + floatWeights);
        assertEquals(List.of(original.getGraph().getOutput(0).getName()),
                q.getGraph().getOutputList().stream().map(OnnxMl.ValueInfoProto::getName).toList());
    }

    @Test
    void theQuantizedModelLoadsAndRunsInOnnxRuntime() throws Exception {
        try (OrtModel m = OrtModel.open(quantizedNano().toByteArray(), 1)) {
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
    void keepingATensorInFloatRemovesOnlyItsPair() throws Exception {
        OnnxMl.ModelProto model = OnnxGraphs.load(TestAssets.model());
        List<String> candidates = QdqWriter.candidates(model);
        Map<String, QuantParams> params = new LinkedHashMap<>();
        for (String t : candidates.subList(1, candidates.size())) {
            params.put(t, QuantParams.of(-1, 1, true));
        }
        OnnxMl.ModelProto q = QdqWriter.write(model, params);
        long quantizes = q.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("QuantizeLinear")).count();
        assertEquals(candidates.size() - 1, quantizes);
        assertFalse(q.getGraph().getNodeList().stream().anyMatch(n -> n.getName().equals(candidates.get(0)
                + QdqWriter.Q_SUFFIX)));
        int[] counts = Quantizer.nodeCounts(q);
        assertTrue(counts[0] > 100 && counts[1] > 0, counts[0] + " " + counts[1]);
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
