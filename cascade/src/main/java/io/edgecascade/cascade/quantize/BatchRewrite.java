package io.edgecascade.cascade.quantize;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.edgecascade.engines.ModelHash;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives a model exported with a fixed batch of 1 (YOLOX's exports) a batch of N, so that one inference runs N frames
 * or regions: the batch dimension of every graph input and output becomes N, and so does the leading 1 of every
 * constant shape a Reshape (or Resize's sizes, Expand, Tile) is given, the shapes that carry the batch through the
 * graph. The intermediate shape annotations are dropped (the runtime infers them again). Works on FP32 and QDQ
 * models alike.
 */
public final class BatchRewrite {

    /** Ops whose constant shape-like input repeats the batch: the input's index. */
    private static final Map<String, Integer> SHAPE_INPUT = Map.of("Reshape", 1, "Expand", 1, "Tile", 1,
            "ConstantOfShape", 0);

    /** Bumped when the rewrite's output changes, so old copies are not reused. */
    static final String VERSION = "batch-1";

    private BatchRewrite() {
    }

    /** The input size {@code width, height} of the model file {@code model}, FP32 or quantized. */
    public static int[] inputSize(Path model) throws QuantizeException {
        return Quantizer.inputSize(OnnxGraphs.read(model), model);
    }

    /** The model file {@code model} (FP32 or quantized) with batch {@code batch}, as bytes to load into a runtime. */
    public static byte[] withBatch(Path model, int batch) throws QuantizeException {
        return withBatch(OnnxGraphs.read(model), batch).toByteArray();
    }

    /**
     * The model file {@code model} with batch {@code batch}, written on first use to {@code cacheDir/batched/} as
     * {@code <stem>.batch<N>-<key>.onnx} (the key a hash of the model's bytes, so a new model is rewritten again and an
     * unchanged one reused); batch 1 gives {@code model} itself.
     */
    public static Path file(Path model, int batch, Path cacheDir) throws QuantizeException {
        if (batch == 1) {
            return model;
        }
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        Path out;
        try {
            String key = ModelHash.sha256(ModelHash.sha256(model) + "|" + VERSION).substring(0, 16);
            out = cacheDir.resolve("batched").resolve((dot > 0 ? name.substring(0, dot) : name) + ".batch" + batch
                    + "-" + key + ".onnx");
            if (Files.isRegularFile(out)) {
                return out;
            }
            Files.createDirectories(out.getParent());
            Path tmp = Files.createTempFile(out.getParent(), out.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, withBatch(model, batch));
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new QuantizeException("cannot write the batch-" + batch + " copy of " + model + " under " + cacheDir
                    + ": " + e.getMessage() + "; check that engine.cache_dir is writable", e);
        }
        return out;
    }

    /** {@code model} with batch {@code batch}; batch 1 gives the model as it is. */
    static OnnxMl.ModelProto withBatch(OnnxMl.ModelProto model, int batch) throws QuantizeException {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        OnnxMl.GraphProto g = model.getGraph();
        Set<String> inputs = new HashSet<>();
        OnnxGraphs.inputs(model).forEach(i -> inputs.add(i.getName()));
        OnnxMl.GraphProto.Builder gb = g.toBuilder().clearValueInfo();
        for (int i = 0; i < gb.getInputCount(); i++) {
            if (inputs.contains(gb.getInput(i).getName())) {
                gb.setInput(i, batched(gb.getInput(i), batch, "input"));
            }
        }
        for (int i = 0; i < gb.getOutputCount(); i++) {
            gb.setOutput(i, batched(gb.getOutput(i), batch, "output"));
        }
        Map<String, Integer> initIndex = new HashMap<>();
        for (int i = 0; i < gb.getInitializerCount(); i++) {
            initIndex.put(gb.getInitializer(i).getName(), i);
        }
        Map<String, Integer> constantIndex = new HashMap<>();
        for (int i = 0; i < gb.getNodeCount(); i++) {
            if (gb.getNode(i).getOpType().equals("Constant")) {
                constantIndex.put(gb.getNode(i).getOutput(0), i);
            }
        }
        Set<String> rewritten = new HashSet<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            Integer at = SHAPE_INPUT.get(n.getOpType());
            if (n.getOpType().equals("Resize") && n.getInputCount() > 3) {
                at = 3; // sizes
            }
            if (at == null || n.getInputCount() <= at || n.getInput(at).isEmpty() || !rewritten.add(n.getInput(at))) {
                continue;
            }
            String shape = n.getInput(at);
            if (initIndex.containsKey(shape)) {
                int i = initIndex.get(shape);
                gb.setInitializer(i, leadingBatch(gb.getInitializer(i), batch, n));
            } else if (constantIndex.containsKey(shape)) {
                int i = constantIndex.get(shape);
                OnnxMl.NodeProto.Builder c = gb.getNode(i).toBuilder();
                for (int a = 0; a < c.getAttributeCount(); a++) {
                    if (c.getAttribute(a).getName().equals("value")) {
                        c.setAttribute(a, c.getAttribute(a).toBuilder()
                                .setT(leadingBatch(c.getAttribute(a).getT(), batch, n)));
                    }
                }
                gb.setNode(i, c);
            } else {
                throw new QuantizeException("cannot give the model a batch of " + batch + ": " + n.getOpType()
                        + " '" + n.getName() + "' takes its shape from the graph (" + shape + "), not a constant;"
                        + " export the model with a dynamic batch instead");
            }
        }
        return model.toBuilder().setGraph(gb).build();
    }

    private static OnnxMl.ValueInfoProto batched(OnnxMl.ValueInfoProto v, int batch, String what)
            throws QuantizeException {
        OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
        if (!t.hasShape() || t.getShape().getDimCount() == 0) {
            return v;
        }
        OnnxMl.TensorShapeProto.Dimension d = t.getShape().getDim(0);
        if (d.hasDimValue() && d.getDimValue() != 1) {
            throw new QuantizeException("cannot give the model a batch: its " + what + " '" + v.getName()
                    + "' has batch " + d.getDimValue() + ", not 1");
        }
        OnnxMl.TensorShapeProto.Builder shape = t.getShape().toBuilder()
                .setDim(0, OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(batch));
        return v.toBuilder().setType(v.getType().toBuilder().setTensorType(t.toBuilder().setShape(shape))).build();
    }

    /** An int64 shape tensor whose first value, 1, becomes {@code batch}. */
    private static OnnxMl.TensorProto leadingBatch(OnnxMl.TensorProto shape, int batch, OnnxMl.NodeProto user)
            throws QuantizeException {
        long[] v = int64s(shape);
        if (shape.getDataType() != OnnxMl.TensorProto.DataType.INT64.getNumber() || v.length == 0 || v[0] != 1) {
            throw new QuantizeException("cannot give the model a batch: " + user.getOpType() + " '" + user.getName()
                    + "' is given the shape " + Arrays.toString(v) + ", whose first dimension is not the"
                    + " batch of 1; export the model with a dynamic batch instead");
        }
        v[0] = batch;
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(v);
        return shape.toBuilder().clearInt64Data().setRawData(ByteString.copyFrom(b)).build();
    }

    private static long[] int64s(OnnxMl.TensorProto t) {
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long[] out = new long[b.remaining() / 8];
            b.asLongBuffer().get(out);
            return out;
        }
        List<Long> l = t.getInt64DataList();
        return l.stream().mapToLong(Long::longValue).toArray();
    }
}
