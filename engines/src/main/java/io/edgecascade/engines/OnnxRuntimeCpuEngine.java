package io.edgecascade.engines;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime on the CPU: the engine every box can run and the fallback of every other engine.
 *
 * <p>Inputs and outputs are bound once to direct buffers (ONNX Runtime reads and writes them in place), so
 * {@link #infer()} allocates nothing per frame.
 */
public final class OnnxRuntimeCpuEngine implements InferenceEngine {

    public static final String NAME = "onnxruntime-cpu";

    /** Registry entry. */
    public static final class Factory implements EngineFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public InferenceEngine open(EngineOptions options) throws EngineException {
            return OnnxRuntimeCpuEngine.open(options);
        }
    }

    private final OrtSession session;
    private final EngineInfo info;
    private final List<TensorSpec> inputSpecs;
    private final List<TensorSpec> outputSpecs;
    private final List<FloatBuffer> inputBuffers;
    private final List<FloatBuffer> outputBuffers;
    private final Map<String, OnnxTensor> boundInputs;
    private final Map<String, OnnxTensor> boundOutputs;

    private OnnxRuntimeCpuEngine(OrtSession session, EngineInfo info, List<TensorSpec> inputSpecs,
            List<TensorSpec> outputSpecs, List<FloatBuffer> inputBuffers, List<FloatBuffer> outputBuffers,
            Map<String, OnnxTensor> boundInputs, Map<String, OnnxTensor> boundOutputs) {
        this.session = session;
        this.info = info;
        this.inputSpecs = inputSpecs;
        this.outputSpecs = outputSpecs;
        this.inputBuffers = inputBuffers;
        this.outputBuffers = outputBuffers;
        this.boundInputs = boundInputs;
        this.boundOutputs = boundOutputs;
    }

    /** Loads {@code options.model()} with {@code options.threads()} intra-op threads. */
    public static OnnxRuntimeCpuEngine open(EngineOptions options) throws EngineException {
        Path model = options.model();
        checkReadable(model);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(options.threads());
            so.setInterOpNumThreads(1);
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // Decode and the motion gate share the cores with inference: spinning idle ORT threads would
            // steal their time.
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = env.createSession(model.toString(), so);

            List<TensorSpec> inputSpecs = specs(session.getInputInfo(), model, "input");
            List<TensorSpec> outputSpecs = specs(session.getOutputInfo(), model, "output");
            List<FloatBuffer> inputBuffers = new ArrayList<>();
            List<FloatBuffer> outputBuffers = new ArrayList<>();
            for (TensorSpec s : inputSpecs) {
                FloatBuffer b = directFloats(s.elementCount());
                inputBuffers.add(b);
                inputs.put(s.name(), OnnxTensor.createTensor(env, b, s.shape()));
            }
            for (TensorSpec s : outputSpecs) {
                FloatBuffer b = directFloats(s.elementCount());
                outputBuffers.add(b);
                outputs.put(s.name(), OnnxTensor.createTensor(env, b, s.shape()));
            }
            String precision = ModelPrecision.of(model);
            EngineInfo info = new EngineInfo(NAME, "cpu", precision, model.getFileName().toString());
            return new OnnxRuntimeCpuEngine(session, info, List.copyOf(inputSpecs), List.copyOf(outputSpecs),
                    List.copyOf(inputBuffers), List.copyOf(outputBuffers), inputs, outputs);
        } catch (OrtException e) {
            closeAll(inputs, outputs, session);
            throw new EngineException("cannot load model " + model + ": " + firstLine(e.getMessage())
                    + "; check that it is a valid ONNX model (re-export it, or run 'edge-cascade models pull')", e);
        } catch (EngineException | RuntimeException e) {
            closeAll(inputs, outputs, session);
            throw e;
        }
    }

    private static void checkReadable(Path model) throws EngineException {
        if (!Files.exists(model)) {
            throw new EngineException("model file not found: " + model
                    + "; set model.path in the config, or run 'edge-cascade models pull'");
        }
        if (!Files.isRegularFile(model) || !Files.isReadable(model)) {
            throw new EngineException("model file is not a readable file: " + model
                    + "; check the path and its permissions");
        }
    }

    private static List<TensorSpec> specs(Map<String, NodeInfo> nodes, Path model, String kind)
            throws EngineException {
        List<TensorSpec> specs = new ArrayList<>();
        for (NodeInfo node : nodes.values()) {
            if (!(node.getInfo() instanceof TensorInfo ti)) {
                throw new EngineException("model " + model + ": " + kind + " '" + node.getName()
                        + "' is not a tensor; only tensor inputs and outputs are supported");
            }
            if (ti.type != OnnxJavaType.FLOAT) {
                throw new EngineException("model " + model + ": " + kind + " '" + node.getName() + "' is "
                        + ti.type + ", expected float32; export the model with float32 inputs and outputs"
                        + " (quantized models keep float32 at their edges)");
            }
            long[] shape = ti.getShape();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    if (i == 0) {
                        shape[i] = 1; // dynamic batch: we always run one frame
                    } else {
                        throw new EngineException("model " + model + ": " + kind + " '" + node.getName()
                                + "' has a dynamic dimension " + i + " in " + java.util.Arrays.toString(shape)
                                + "; export the model with a fixed input size (e.g. 416x416)");
                    }
                }
            }
            specs.add(new TensorSpec(node.getName(), "float32", shape));
        }
        return specs;
    }

    private static FloatBuffer directFloats(long count) {
        if (count > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("tensor too large: " + count + " elements");
        }
        return ByteBuffer.allocateDirect((int) count * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static void closeAll(Map<String, OnnxTensor> inputs, Map<String, OnnxTensor> outputs,
            OrtSession session) {
        inputs.values().forEach(OnnxTensor::close);
        outputs.values().forEach(OnnxTensor::close);
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // nothing more to free
            }
        }
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    @Override
    public List<TensorSpec> inputs() {
        return inputSpecs;
    }

    @Override
    public List<TensorSpec> outputs() {
        return outputSpecs;
    }

    @Override
    public FloatBuffer input(int index) {
        return inputBuffers.get(index).clear();
    }

    @Override
    public void infer() throws EngineException {
        try (OrtSession.Result ignored = session.run(boundInputs, boundOutputs)) {
            // outputs were written into the bound buffers; the result holds no other values
        } catch (OrtException e) {
            throw new EngineException("inference failed in " + info + ": " + firstLine(e.getMessage()), e);
        }
    }

    @Override
    public FloatBuffer output(int index) {
        return outputBuffers.get(index).clear();
    }

    @Override
    public void close() {
        closeAll(boundInputs, boundOutputs, session);
    }
}
