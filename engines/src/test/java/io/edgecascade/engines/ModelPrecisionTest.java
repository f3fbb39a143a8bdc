package io.edgecascade.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The precision label comes from the graph, not from the file name. */
class ModelPrecisionTest {

    @TempDir
    Path dir;

    private Path model(String file, int weightType, String... ops) throws Exception {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("g");
        for (String op : ops) {
            g.addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).addInput("x").addOutput("y"));
        }
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("w").setDataType(weightType).addDims(2)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[weightType == 10 ? 4 : 8])));
        OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(7).setProducerName("x")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
        Path p = dir.resolve(file);
        Files.write(p, m.toByteArray());
        return p;
    }

    @Test
    void quantizedGraphsAreInt8WhateverTheirName() throws Exception {
        assertEquals("int8", ModelPrecision.of(model("detector.onnx", 1, "QuantizeLinear", "DequantizeLinear",
                "Conv")));
        assertEquals("int8", ModelPrecision.of(model("yolox.onnx", 1, "QLinearConv", "Relu")));
    }

    @Test
    void aNameSayingQuantIsNotEnough() throws Exception {
        assertEquals("fp32", ModelPrecision.of(model("quantum-optics-int8.onnx", 1, "Conv", "Relu")));
    }

    @Test
    void float16WeightsAreFp16() throws Exception {
        assertEquals("fp16", ModelPrecision.of(model("plain.onnx", 10, "Conv")));
    }

    @Test
    void theSharedYoloxModelIsFp32AndOtherFilesAreUnknown() throws Exception {
        assertEquals("fp32", ModelPrecision.of(Assets.model()));
        assertEquals("unknown", ModelPrecision.of(Files.writeString(dir.resolve("model.engine"), "plan")));
    }

    @Test
    void openVinoIrIsReadFromItsLayers() {
        assertEquals("int8", ModelPrecision.openVinoIr("<layer type=\"FakeQuantize\"/>"));
        assertEquals("fp16", ModelPrecision.openVinoIr("<port element_type=\"f16\"/><port element_type=\"f16\"/>"));
        assertEquals("fp32", ModelPrecision.openVinoIr("<port element_type=\"f32\"/>"));
    }
}
