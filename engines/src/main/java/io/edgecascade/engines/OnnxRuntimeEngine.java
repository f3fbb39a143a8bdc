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
 * An ONNX Runtime session with its inputs and outputs bound once to direct buffers (ONNX Runtime reads and
 * writes them in place), so {@link #infer()} allocates nothing per frame. The CPU, CUDA and TensorRT engines
 * are this class with different execution providers added by a {@link Providers}.
 */
final class OnnxRuntimeEngine implements InferenceEngine {

    /** Adds execution providers to the session options; called once before the session is created. */
    @FunctionalInterface
    interface Providers {
        /** Returns what must stay open until the session exists (provider options), or nothing. */
        List<AutoCloseable> add(OrtSession.SessionOptions options) throws OrtException, EngineException;
    }

    private final OrtSession session;
    private final EngineInfo info;
    private final List<TensorSpec> inputSpecs;
    private final List<TensorSpec> outputSpecs;
    private final List<FloatBuffer> inputBuffers;
    private final List<FloatBuffer> outputBuffers;
    private final Map<String, OnnxTensor> boundInputs;
    private final Map<String, OnnxTensor> boundOutputs;

    private OnnxRuntimeEngine(OrtSession session, EngineInfo info, List<TensorSpec> inputSpecs,
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

    /**
     * Loads {@code options.model()} with {@code options.threads()} intra-op threads and the given providers.
     *
     * @param name      registry name, for {@link EngineInfo} and messages
     * @param device    what {@link EngineInfo#device()} reports
     * @param precision what {@link EngineInfo#precision()} reports
     * @param providerHint appended to provider failures: how to get the provider
     */
    static InferenceEngine open(EngineOptions options, String name, String device, String precision,
            Providers providers, String providerHint) throws EngineException {
        Path model = options.model();
        checkReadable(model);
        OrtEnvironment env;
        try {
            env = OrtEnvironment.getEnvironment();
        } catch (LinkageError e) {
            throw new EngineException("engine " + name + ": the ONNX Runtime native library does not load ("
                    + firstLine(e.getMessage()) + "); use a linux-x86_64 or linux-arm64 glibc machine", e);
        }
        OrtSession session = null;
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
        List<AutoCloseable> providerResources = List.of();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(options.threads());
            so.setInterOpNumThreads(1);
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // Decode and the motion gate share the cores with inference: spinning idle ORT threads would
            // steal their time.
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            try {
                providerResources = providers.add(so);
            } catch (OrtException | LinkageError e) {
                throw new EngineException("engine " + name + " is not available: " + firstLine(e.getMessage())
                        + "; " + providerHint, e);
            }
            try {
                session = env.createSession(model.toString(), so);
            } catch (LinkageError e) {
                throw new EngineException("engine " + name + " is not available: " + firstLine(e.getMessage())
                        + "; " + providerHint, e);
            }

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
            EngineInfo info = new EngineInfo(name, device, precision, model.getFileName().toString());
            return new OnnxRuntimeEngine(session, info, List.copyOf(inputSpecs), List.copyOf(outputSpecs),
                    List.copyOf(inputBuffers), List.copyOf(outputBuffers), inputs, outputs);
        } catch (OrtException e) {
            closeAll(inputs, outputs, session);
            String msg = firstLine(e.getMessage());
            if (providerFailure(msg)) {
                throw new EngineException("engine " + name + " is not available: " + msg + "; " + providerHint, e);
            }
            throw new EngineException("cannot load model " + model + ": " + msg
                    + "; check that it is a valid ONNX model (re-export it, or run 'edge-cascade models pull')", e);
        } catch (EngineException | RuntimeException e) {
            closeAll(inputs, outputs, session);
            throw e;
        } finally {
            for (AutoCloseable c : providerResources) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // provider options are only needed while the session is created
                }
            }
        }
    }

    /** A session failure caused by a provider's libraries rather than by the model. */
    static boolean providerFailure(String message) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        return m.contains("cuda") || m.contains("tensorrt") || m.contains("cudnn") || m.contains("nvinfer")
                || m.contains("libcublas") || m.contains("provider");
    }

    static void checkReadable(Path model) throws EngineException {
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
            specs.add(new TensorSpec(node.getName(), "float32", TensorSpec.concreteShape(ti.getShape(),
                    model + ": " + kind + " '" + node.getName() + "'")));
        }
        return specs;
    }

    static FloatBuffer directFloats(long count) {
        if (count > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("tensor too large: " + count + " elements");
        }
        return ByteBuffer.allocateDirect((int) count * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    static String firstLine(String s) {
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
