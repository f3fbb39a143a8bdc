package io.edgecascade.engines;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the precision a model computes in from its graph, not its file name: an ONNX model with
 * QuantizeLinear/DequantizeLinear, QLinear* or *Integer nodes is {@code int8}; one whose weights are mostly float16 is
 * {@code fp16}; else {@code fp32}. An OpenVINO IR ({@code .xml}) is {@code int8} with FakeQuantize layers, {@code fp16}
 * with f16 constants. Results are remembered per file, size and modification time (every detector worker asks).
 */
public final class ModelPrecision {

    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private ModelPrecision() {
    }

    /** {@code int8}, {@code fp16} or {@code fp32}; a file that cannot be read is {@code fp32} (loading it reports why). */
    public static String of(Path model) {
        String key;
        try {
            key = model.toAbsolutePath() + "|" + Files.size(model) + "|" + Files.getLastModifiedTime(model).toMillis();
        } catch (IOException e) {
            return "fp32";
        }
        return CACHE.computeIfAbsent(key, k -> read(model));
    }

    private static String read(Path model) {
        try {
            if (model.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".xml")) {
                String ir = Files.readString(model);
                return ir.contains("type=\"FakeQuantize\"") ? "int8" : ir.contains("element_type=\"f16\"") ? "fp16"
                        : "fp32";
            }
            OnnxMl.ModelProto m;
            try (InputStream in = Files.newInputStream(model)) {
                m = OnnxMl.ModelProto.parseFrom(in);
            }
            return ofGraph(m.getGraph());
        } catch (IOException | RuntimeException e) {
            return "fp32";
        }
    }

    static String ofGraph(OnnxMl.GraphProto graph) {
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            String op = n.getOpType();
            if (op.equals("QuantizeLinear") || op.equals("DequantizeLinear") || op.startsWith("QLinear")
                    || op.endsWith("Integer") || op.equals("DynamicQuantizeLinear")) {
                return "int8";
            }
        }
        long half = 0;
        long full = 0;
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            if (t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT16.getNumber()) {
                half++;
            } else if (t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
                full++;
            }
        }
        return half > full ? "fp16" : "fp32";
    }
}
