package io.edgecascade.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Precision comes from the graph: a file's name says nothing (issue 9 defect 7, issue 10). */
class ModelPrecisionTest {

    @TempDir
    Path dir;

    private Path model(String name, String op, int initializerType) throws Exception {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("g")
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).addInput("x").addOutput("y"))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("w").setDataType(initializerType).addDims(1)
                        .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[4])));
        OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(7).setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).build();
        return Files.write(dir.resolve(name), m.toByteArray());
    }

    @Test
    void readsTheGraphNotTheName() throws Exception {
        int f32 = OnnxMl.TensorProto.DataType.FLOAT.getNumber();
        int f16 = OnnxMl.TensorProto.DataType.FLOAT16.getNumber();
        assertEquals("int8", ModelPrecision.of(model("plain.onnx", "DequantizeLinear", f32)));
        assertEquals("int8", ModelPrecision.of(model("conv.onnx", "QLinearConv", f32)));
        assertEquals("fp32", ModelPrecision.of(model("yolox_int8_quant.onnx", "Relu", f32)),
                "a name that says int8 does not make an FP32 graph int8");
        assertEquals("fp16", ModelPrecision.of(model("m.onnx", "Relu", f16)));
        assertEquals("fp32", ModelPrecision.of(Assets.model()));
        assertEquals("fp32", ModelPrecision.of(Files.writeString(dir.resolve("garbage.onnx"), "not a model")));
        assertEquals("fp32", ModelPrecision.of(dir.resolve("missing.onnx")));
        assertEquals("int8", ModelPrecision.of(Files.writeString(dir.resolve("m.xml"),
                "<net><layers><layer type=\"FakeQuantize\"/></layers></net>")));
    }
}
