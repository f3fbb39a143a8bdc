package io.edgecascade.cascade.testing;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a tiny image classifier for tests and benchmarks, built with the ONNX protobuf classes (nothing downloaded):
 * {@code colour.onnx} takes an image {@code [1, 3, 8, 8]} (values 0..1), averages each channel
 * (GlobalAveragePool, Flatten) and scores two labels with a Gemm: {@code dark} when the mean brightness is below
 * one half, {@code light} above; {@code colour.txt} holds the labels. Its output is logits, so the classifier's
 * softmax makes the scores.
 */
public final class TinyClassifier {

    public static final List<String> LABELS = List.of("dark", "light");

    /** The model file and its labels file. */
    public record Written(Path model, Path labels) {
    }

    private TinyClassifier() {
    }

    /** Writes {@code colour.onnx} and {@code colour.txt} into {@code dir}. */
    public static Written write(Path dir) throws IOException {
        Files.createDirectories(dir);
        OnnxMl.TensorProto weights = floats("w", new long[] {3, 2}, -4, 4, -4, 4, -4, 4);
        OnnxMl.TensorProto bias = floats("b", new long[] {2}, 6, -6);
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("colour")
                .addInitializer(weights).addInitializer(bias)
                .addInput(value("image", 1, 3, 8, 8))
                .addOutput(value("logits", 1, 2))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("GlobalAveragePool").addInput("image")
                        .addOutput("pooled"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Flatten").addInput("pooled").addOutput("flat")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setI(1)
                                .setType(OnnxMl.AttributeProto.AttributeType.INT)))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gemm").addInput("flat").addInput("w").addInput("b")
                        .addOutput("logits"))
                .build();
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder().setIrVersion(7).setProducerName("edge-cascade tests")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
        Path file = dir.resolve("colour.onnx");
        Files.write(file, model.toByteArray());
        Path labels = dir.resolve("colour.txt");
        Files.writeString(labels, String.join("\n", LABELS) + "\n");
        return new Written(file, labels);
    }

    private static OnnxMl.TensorProto floats(String name, long[] dims, float... values) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    private static OnnxMl.ValueInfoProto value(String name, long... shape) {
        OnnxMl.TensorShapeProto.Builder dims = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : shape) {
            dims.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(dims))).build();
    }

    /** Writes the model into the folder given as the first argument (for scripts/usecase-bench.sh). */
    public static void main(String[] args) throws IOException {
        Written f = write(Path.of(args.length > 0 ? args[0] : "."));
        System.out.println(f.model() + " " + f.labels());
    }
}
