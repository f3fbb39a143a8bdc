package io.edgecascade.cascade.quantize;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A model held in memory and run on ONNX Runtime's CPU provider, its one image input bound to a reused direct
 * buffer: calibration reads intermediate tensors from it, evaluation the detector output.
 */
final class OrtModel implements AutoCloseable {

    private final OrtSession session;
    private final OnnxTensor input;
    private final String inputName;
    private final FloatBuffer inputBuffer;
    private final long[] inputShape;

    private OrtModel(OrtSession session, OnnxTensor input, String inputName, FloatBuffer inputBuffer,
            long[] inputShape) {
        this.session = session;
        this.input = input;
        this.inputName = inputName;
        this.inputBuffer = inputBuffer;
        this.inputShape = inputShape;
    }

    static OrtModel open(byte[] model, int threads) throws QuantizeException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = env.createSession(model, so);
            var info = session.getInputInfo().values().iterator().next();
            long[] shape = ((TensorInfo) info.getInfo()).getShape();
            if (shape.length != 4 || shape[0] != 1 || shape[1] != 3 || shape[2] < 1 || shape[3] < 1) {
                throw new QuantizeException("model input '" + info.getName() + "' has shape "
                        + java.util.Arrays.toString(shape) + "; the quantizer calibrates [1,3,H,W] image models");
            }
            FloatBuffer b = ByteBuffer.allocateDirect((int) (3 * shape[2] * shape[3] * 4))
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            OnnxTensor t = OnnxTensor.createTensor(env, b, shape);
            return new OrtModel(session, t, info.getName(), b, shape);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new QuantizeException("ONNX Runtime cannot load the model: " + firstLine(e.getMessage())
                    + "; check that it is a valid ONNX model", e);
        } catch (QuantizeException | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    long[] inputShape() {
        return inputShape.clone();
    }

    int width() {
        return (int) inputShape[3];
    }

    int height() {
        return (int) inputShape[2];
    }

    FloatBuffer input() {
        return inputBuffer;
    }

    /** What receives a run's outputs. */
    @FunctionalInterface
    interface TensorSink {
        void accept(String name, long[] shape, FloatBuffer values);
    }

    /** Runs on the input buffer and hands each requested output (name, shape, values) to {@code sink}. */
    void run(Set<String> outputs, TensorSink sink) throws QuantizeException {
        try (OrtSession.Result r = session.run(Map.of(inputName, input), outputs)) {
            for (Map.Entry<String, OnnxValue> e : r) {
                if (e.getValue() instanceof OnnxTensor t) {
                    sink.accept(e.getKey(), t.getInfo().getShape(), t.getFloatBuffer());
                }
            }
        } catch (OrtException e) {
            throw new QuantizeException("inference failed during quantization: " + firstLine(e.getMessage()), e);
        }
    }

    /** The first graph output, as the detector reads it. */
    FloatBuffer runDetector() throws QuantizeException {
        FloatBuffer[] out = new FloatBuffer[1];
        String first = session.getOutputNames().iterator().next();
        run(Set.of(first), (n, shape, b) -> out[0] = b);
        return out[0];
    }

    /** The first output's last dimension, e.g. 85 for YOLOX on COCO. */
    long[] firstOutputShape() throws QuantizeException {
        try {
            return ((TensorInfo) session.getOutputInfo().values().iterator().next().getInfo()).getShape();
        } catch (OrtException e) {
            throw new QuantizeException("cannot read the model's outputs: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * The operators ONNX Runtime's CPU provider runs for {@code model} once its graph optimizations are applied
     * (QDQ fusion included), counted by type: what shows whether the Q/DQ pairs became integer kernels.
     */
    static Map<String, Integer> optimizedOps(byte[] model, int threads) throws QuantizeException {
        Path file = null;
        try {
            file = Files.createTempFile("edge-cascade-optimized", ".onnx");
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                so.setIntraOpNumThreads(threads);
                so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                so.setOptimizedModelFilePath(file.toString());
                so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                OrtEnvironment.getEnvironment().createSession(model, so).close();
            }
            OnnxMl.ModelProto optimized = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
            Map<String, Integer> counts = new TreeMap<>();
            optimized.getGraph().getNodeList().forEach(n -> counts.merge(n.getOpType(), 1, Integer::sum));
            return counts;
        } catch (OrtException | IOException e) {
            throw new QuantizeException("cannot read ONNX Runtime's optimized graph: " + firstLine(e.getMessage()), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException ignored) {
                // already failing
            }
        }
    }

    @Override
    public void close() {
        input.close();
        closeQuietly(session);
    }
}
