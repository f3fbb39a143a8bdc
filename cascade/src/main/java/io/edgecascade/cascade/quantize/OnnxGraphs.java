package io.edgecascade.cascade.quantize;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads and checks ONNX models for quantization, and converts initializers between protobuf and arrays. */
final class OnnxGraphs {

    /** The oldest opset whose models can be read; QDQ with per-channel axes needs 13, older models are raised to it. */
    static final int MIN_OPSET = 10;
    static final int QDQ_OPSET = 13;
    /** The newest opset this quantizer knows. */
    static final int MAX_OPSET = 21;

    /**
     * Operators whose semantics did not change between opset 10 and 13, so a model using only these can be raised
     * to opset 13 as it is (Squeeze, Unsqueeze, Split, Softmax and the reductions did change, at 13).
     */
    static final Set<String> RAISABLE = Set.of("Conv", "Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "Tanh", "Mul",
            "Add", "Sub", "Div", "Concat", "MaxPool", "AveragePool", "GlobalAveragePool", "Resize", "Reshape",
            "Transpose", "Slice", "Constant", "Shape", "Gather", "Cast", "Identity", "Flatten", "Gemm", "MatMul",
            "BatchNormalization", "Clip", "Exp", "Pow", "Sqrt", "Pad", "ConstantOfShape", "Expand", "Floor", "Ceil",
            "Upsample", "Max", "Min", "Neg", "Abs", "HardSwish", "PRelu", "Equal", "Where", "Less", "Greater", "Not");

    private OnnxGraphs() {
    }

    /** Reads {@code file} and checks it can be quantized; every failure is one line naming the fix. */
    static OnnxMl.ModelProto load(Path file) throws QuantizeException {
        OnnxMl.ModelProto model = read(file);
        check(model, file);
        return model;
    }

    /** The model in {@code file}, FP32 or already quantized (what the batch rewrite and input size need). */
    static OnnxMl.ModelProto read(Path file) throws QuantizeException {
        if (!Files.isRegularFile(file)) {
            throw new QuantizeException("model file not found: " + file + "; pass --model with an ONNX file");
        }
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (InvalidProtocolBufferException e) {
            throw new QuantizeException(file + " is not an ONNX model (" + e.getMessage()
                    + "); pass an .onnx file exported from your framework");
        } catch (IOException e) {
            throw new QuantizeException("cannot read " + file + ": " + e.getMessage() + "; check its permissions");
        }
        if (model.getIrVersion() <= 0 || !model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new QuantizeException(file + " is not an ONNX model (no graph); pass an .onnx file exported from"
                    + " your framework");
        }
        return model;
    }

    private static void check(OnnxMl.ModelProto model, Path file) throws QuantizeException {
        int opset = opset(model);
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new QuantizeException(file + " uses opset " + opset + ", which the quantizer does not support;"
                    + " re-export the model with an opset between " + QDQ_OPSET + " and " + MAX_OPSET);
        }
        Set<String> seen = new HashSet<>();
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            String op = n.getOpType();
            if (!n.getDomain().isEmpty() && !"ai.onnx".equals(n.getDomain())) {
                throw new QuantizeException(file + ": operator " + n.getDomain() + "." + op + " (node '" + n.getName()
                        + "') is not a standard ONNX operator and cannot be quantized; export without custom ops");
            }
            if (op.equals("QuantizeLinear") || op.equals("DequantizeLinear") || op.startsWith("QLinear")
                    || op.endsWith("Integer")) {
                throw new QuantizeException(file + " is already quantized (it has " + op + " nodes); pass the FP32"
                        + " model");
            }
            if (opset < QDQ_OPSET && !RAISABLE.contains(op) && seen.add(op)) {
                throw new QuantizeException(file + ": operator " + op + " at opset " + opset + " is not supported"
                        + " by the quantizer (it must raise the model to opset " + QDQ_OPSET + "); re-export the model"
                        + " with opset " + QDQ_OPSET + " or newer");
            }
        }
        if (inputs(model).size() != 1) {
            throw new QuantizeException(file + " has " + inputs(model).size() + " inputs; the quantizer calibrates"
                    + " models with one image input");
        }
    }

    /** The default-domain opset the model imports. */
    static int opset(OnnxMl.ModelProto model) {
        for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || "ai.onnx".equals(o.getDomain())) {
                return (int) o.getVersion();
            }
        }
        return 0;
    }

    /** Graph inputs that are not initializers (models of IR < 4 list initializers as inputs too). */
    static List<OnnxMl.ValueInfoProto> inputs(OnnxMl.ModelProto model) {
        Set<String> inits = new HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> inits.add(t.getName()));
        return model.getGraph().getInputList().stream().filter(i -> !inits.contains(i.getName())).toList();
    }

    /** The values of a float initializer, from raw data or the float list. */
    static float[] floats(OnnxMl.TensorProto t) throws QuantizeException {
        if (t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
            throw new QuantizeException("initializer '" + t.getName() + "' is not float32 (type " + t.getDataType()
                    + "); pass an FP32 model");
        }
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }

    static OnnxMl.TensorProto floatTensor(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return tensor(name, OnnxMl.TensorProto.DataType.FLOAT, ByteString.copyFrom(b), dims);
    }

    static OnnxMl.TensorProto int8Tensor(String name, byte[] values, long... dims) {
        return tensor(name, OnnxMl.TensorProto.DataType.INT8, ByteString.copyFrom(values), dims);
    }

    static OnnxMl.TensorProto uint8Tensor(String name, byte[] values, long... dims) {
        return tensor(name, OnnxMl.TensorProto.DataType.UINT8, ByteString.copyFrom(values), dims);
    }

    static OnnxMl.TensorProto int32Tensor(String name, int[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return tensor(name, OnnxMl.TensorProto.DataType.INT32, ByteString.copyFrom(b), dims);
    }

    private static OnnxMl.TensorProto tensor(String name, OnnxMl.TensorProto.DataType type, ByteString raw,
            long... dims) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(raw);
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static OnnxMl.ValueInfoProto floatOutput(String name) {
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()))).build();
    }
}
