package io.edgecascade.engines;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes tiny ONNX models for tests of the checks that engines and detectors make on a model. */
public final class TinyModels {

    private TinyModels() {
    }

    /** An Identity model: float input {@code x} of {@code shape} copied to output {@code y}. */
    public static Path identity(Path file, long... shape) throws IOException {
        OnnxMl.TensorShapeProto.Builder dims = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : shape) {
            dims.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(dims)).build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("identity")
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(type))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(type))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("y"))
                .build();
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder().setIrVersion(7).setProducerName("edge-cascade tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(11)).setGraph(graph).build();
        Files.write(file, model.toByteArray());
        return file;
    }

    /**
     * A QDQ-quantized model by its graph (QuantizeLinear then DequantizeLinear on {@code x}), whatever its file name:
     * what {@link ModelPrecision} reads as {@code int8}.
     */
    public static Path qdq(Path file) throws IOException {
        OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())).build();
        OnnxMl.TensorProto scale = OnnxMl.TensorProto.newBuilder().setName("s").addFloatData(0.1f)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("qdq").addInitializer(scale)
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(type))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(type))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("QuantizeLinear").addInput("x").addInput("s")
                        .addOutput("q"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("DequantizeLinear").addInput("q").addInput("s")
                        .addOutput("y"))
                .build();
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder().setIrVersion(7).setProducerName("edge-cascade tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
        Files.write(file, model.toByteArray());
        return file;
    }
}
