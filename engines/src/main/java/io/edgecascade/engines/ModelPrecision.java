package io.edgecascade.engines;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The precision a model's graph computes in, read from the graph itself (never from the file name):
 * <ul>
 *   <li>ONNX: {@code int8} when a node quantizes (QDQ: QuantizeLinear/DequantizeLinear; QOperator: QLinear*,
 *       ConvInteger, MatMulInteger, DynamicQuantizeLinear); {@code fp16} when most weights are float16; else
 *       {@code fp32}. The file is scanned with a small protobuf wire reader (ModelProto.graph -> GraphProto.node
 *       -> NodeProto.op_type, GraphProto.initializer -> TensorProto.data_type), the weights are skipped.</li>
 *   <li>OpenVINO IR ({@code .xml}): {@code int8} with FakeQuantize layers, {@code fp16} with f16 constants.</li>
 *   <li>Anything else (a serialized TensorRT engine): {@code unknown}.</li>
 * </ul>
 * What a device then actually runs may differ (OpenVINO on an AMX CPU runs bf16): engines report that.
 */
public final class ModelPrecision {

    private static final Set<String> QUANTIZING = Set.of("QuantizeLinear", "DequantizeLinear", "ConvInteger",
            "MatMulInteger", "DynamicQuantizeLinear");
    // field numbers of onnx.proto
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int NODE_OP_TYPE = 4;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int FLOAT = 1;
    private static final int FLOAT16 = 10;
    private static final Pattern IR_PRECISION = Pattern.compile("element_type=\"(f16|f32)\"");

    private ModelPrecision() {
    }

    /** {@code int8}, {@code fp16}, {@code fp32}, or {@code unknown} when the file cannot be read as a graph. */
    public static String of(Path model) {
        String name = model.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".onnx")) {
                return onnx(model);
            }
            if (name.endsWith(".xml")) {
                return openVinoIr(Files.readString(model));
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }

    /** Counts of what the graph holds. */
    private static final class Census {
        boolean quantized;
        long float32Weights;
        long float16Weights;
    }

    static String onnx(Path model) throws IOException {
        Census c = new Census();
        try (InputStream in = Files.newInputStream(model)) {
            CodedInputStream cis = CodedInputStream.newInstance(in, 1 << 16);
            cis.setSizeLimit(Integer.MAX_VALUE);
            for (int tag; (tag = cis.readTag()) != 0; ) {
                if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int limit = cis.pushLimit(cis.readRawVarint32());
                    graph(cis, c);
                    cis.popLimit(limit);
                } else {
                    cis.skipField(tag);
                }
            }
        }
        if (c.quantized) {
            return "int8";
        }
        return c.float16Weights > c.float32Weights ? "fp16" : "fp32";
    }

    private static void graph(CodedInputStream cis, Census c) throws IOException {
        for (int tag; (tag = cis.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            boolean message = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            if (message && (field == GRAPH_NODE || field == GRAPH_INITIALIZER)) {
                int limit = cis.pushLimit(cis.readRawVarint32());
                if (field == GRAPH_NODE) {
                    String op = field(cis, NODE_OP_TYPE);
                    if (op != null && (QUANTIZING.contains(op) || op.startsWith("QLinear"))) {
                        c.quantized = true;
                    }
                } else {
                    int type = dataType(cis);
                    c.float32Weights += type == FLOAT ? 1 : 0;
                    c.float16Weights += type == FLOAT16 ? 1 : 0;
                }
                cis.skipRawBytes(cis.getBytesUntilLimit());
                cis.popLimit(limit);
            } else {
                cis.skipField(tag);
            }
        }
    }

    /** The string field {@code number} of the current message, or null; reads up to it. */
    private static String field(CodedInputStream cis, int number) throws IOException {
        for (int tag; (tag = cis.readTag()) != 0; ) {
            if (WireFormat.getTagFieldNumber(tag) == number
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                return cis.readStringRequireUtf8();
            }
            cis.skipField(tag);
        }
        return null;
    }

    /** TensorProto.data_type of the current message, or 0; reads up to it. */
    private static int dataType(CodedInputStream cis) throws IOException {
        for (int tag; (tag = cis.readTag()) != 0; ) {
            if (WireFormat.getTagFieldNumber(tag) == TENSOR_DATA_TYPE
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
                return cis.readInt32();
            }
            cis.skipField(tag);
        }
        return 0;
    }

    static String openVinoIr(String xml) {
        if (xml.contains("type=\"FakeQuantize\"")) {
            return "int8";
        }
        long f16 = 0;
        long f32 = 0;
        Matcher m = IR_PRECISION.matcher(xml);
        while (m.find()) {
            if (m.group(1).equals("f16")) {
                f16++;
            } else {
                f32++;
            }
        }
        return f16 > f32 ? "fp16" : "fp32";
    }
}
