package io.edgecascade.jetson;

import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreate;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;

import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineFactory;
import io.edgecascade.engines.EngineInfo;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.InferenceEngine;
import io.edgecascade.engines.ModelPrecision;
import io.edgecascade.engines.TensorSpec;
import io.edgecascade.engines.probe.HardwareProfile;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IRuntime;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native TensorRT (Jetson, or any NVIDIA box with TensorRT 10) through the JavaCPP {@code tensorrt} and {@code cuda}
 * presets: parses the ONNX model, builds an engine (FP16 where the GPU has fast FP16; INT8 for a quantized QDQ model),
 * serializes it to an {@link EngineCache} keyed by model hash + GPU + TensorRT version + precision, and reuses it on
 * the next start (a build takes minutes on a Jetson; loading a plan takes a second).
 *
 * <p>Per frame: the input buffer is copied to the GPU, the engine runs on its own CUDA stream, the outputs are copied
 * back, then the stream is synchronized. Device memory, the stream and all buffers are allocated once.
 */
public final class TensorRtEngine implements InferenceEngine {

    public static final String NAME = "tensorrt";

    private static final Logger LOG = LoggerFactory.getLogger(TensorRtEngine.class);

    /** Scratch memory TensorRT may use while building (tactic selection); 1 GiB fits every Jetson. */
    static final long WORKSPACE_BYTES = 1L << 30;

    /** Registry entry, found through {@link java.util.ServiceLoader} (see META-INF/services). */
    public static final class Factory implements EngineFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public InferenceEngine open(EngineOptions options) throws EngineException {
            return TensorRtEngine.open(options);
        }

        @Override
        public Optional<String> unavailable(HardwareProfile hw) {
            // a class without JavaCPP references: the probe works even where the preset jars are absent
            return TensorRtRequirements.unavailable(hw);
        }
    }

    /** TensorRT's log, forwarded to SLF4J (warnings and errors only: INFO is a build diary). */
    static final class TrtLogger extends ILogger {
        volatile String lastError;

        @Override
        public void log(Severity severity, String msg) {
            switch (severity) {
                case kINTERNAL_ERROR, kERROR -> {
                    lastError = msg;
                    LOG.error("TensorRT: {}", msg);
                }
                case kWARNING -> LOG.debug("TensorRT warning: {}", msg);
                default -> {
                    // INFO and VERBOSE stay quiet
                }
            }
        }
    }

    private final EngineInfo info;
    private final List<TensorSpec> inputSpecs;
    private final List<TensorSpec> outputSpecs;
    private final List<FloatBuffer> inputBuffers;
    private final List<FloatBuffer> outputBuffers;
    private final Native natives;

    /** The native state; Java references keep TensorRT's objects alive as long as the engine. */
    private static final class Native {
        TrtLogger logger;
        IRuntime runtime;
        ICudaEngine engine;
        IExecutionContext context;
        CUstream_st stream;
        final List<Pointer> deviceInputs = new ArrayList<>();
        final List<Pointer> deviceOutputs = new ArrayList<>();
        /** Pinned (page-locked) host buffers from cudaMallocHost: the copies to and from the GPU are DMA. */
        final List<Pointer> hostInputs = new ArrayList<>();
        final List<Pointer> hostOutputs = new ArrayList<>();
        int gpu;

        void free() {
            cudaSetDevice(gpu); // the closing thread may not be the one that opened the engine
            if (stream != null) {
                cudaStreamSynchronize(stream);
            }
            for (Pointer p : hostInputs) {
                cudaFreeHost(p);
            }
            for (Pointer p : hostOutputs) {
                cudaFreeHost(p);
            }
            hostInputs.clear();
            hostOutputs.clear();
            for (Pointer p : deviceInputs) {
                cudaFree(p);
            }
            for (Pointer p : deviceOutputs) {
                cudaFree(p);
            }
            deviceInputs.clear();
            deviceOutputs.clear();
            if (stream != null) {
                cudaStreamDestroy(stream);
                stream = null;
            }
            // TensorRT 10 removed destroy(): its objects are deleted with C++ 'delete', and the JavaCPP preset
            // (tensorrt 10.6-1.5.11) registers a deallocator only for objects Java allocated, not for the
            // runtime, engine, context, builder, network, parser and host memory TensorRT hands out, so they
            // cannot be destroyed from Java; they are released at process exit. Everything this class allocates
            // itself (CUDA memory, pinned buffers, the stream, JavaCPP byte buffers) is freed here. The
            // references are dropped in reverse order of creation.
            context = null;
            engine = null;
            runtime = null;
        }
    }

    private TensorRtEngine(EngineInfo info, List<TensorSpec> inputSpecs, List<TensorSpec> outputSpecs,
            List<FloatBuffer> inputBuffers, List<FloatBuffer> outputBuffers, Native natives) {
        this.info = info;
        this.inputSpecs = inputSpecs;
        this.outputSpecs = outputSpecs;
        this.inputBuffers = inputBuffers;
        this.outputBuffers = outputBuffers;
        this.natives = natives;
    }

    /** INT8 when asked for, or when the model is quantized (QDQ): TensorRT takes the scales from its Q/DQ nodes. */
    static String precision(EngineOptions options, boolean fastFp16) {
        if (options.int8() || "int8".equals(ModelPrecision.of(options.model()))) {
            return "int8";
        }
        return options.fp16() && fastFp16 ? "fp16" : "fp32";
    }

    public static TensorRtEngine open(EngineOptions options) throws EngineException {
        Path model = options.model();
        if (!Files.isRegularFile(model) || !Files.isReadable(model)) {
            throw new EngineException("model file not found or not readable: " + model
                    + "; set model.path in the config, or run 'edge-cascade models pull'");
        }
        int gpu = options.cudaDevice(NAME);
        try {
            Loader.load(cudart.class);
            Loader.load(nvinfer.class);
            Loader.load(nvonnxparser.class);
        } catch (LinkageError e) {
            throw TensorRtErrors.librariesMissing(e);
        }
        Native n = new Native();
        n.gpu = gpu;
        try {
            cuda("cudaSetDevice", cudaSetDevice(gpu));
            cudaDeviceProp prop = new cudaDeviceProp();
            cuda("cudaGetDeviceProperties", cudaGetDeviceProperties(prop, gpu));
            String gpuName = prop.name().getString().strip();
            String version = TensorRtErrors.version(nvinfer.getInferLibVersion());

            n.logger = new TrtLogger();
            n.runtime = nvinfer.createInferRuntime(n.logger);
            if (n.runtime == null || n.runtime.isNull()) {
                throw TensorRtErrors.librariesMissing(new IllegalStateException("createInferRuntime returned null"));
            }
            EngineCache cache = new EngineCache(options.cacheDir().resolve(NAME));
            boolean fastFp16 = prop.major() >= 6 || (prop.major() == 5 && prop.minor() >= 3);
            String precision = precision(options, fastFp16);
            EngineCache.Key key = EngineCache.key(model, gpuName, version, precision);

            Optional<byte[]> plan = cache.load(key);
            if (plan.isPresent()) {
                n.engine = deserialize(n.runtime, plan.get());
                if (n.engine == null) {
                    LOG.warn("TensorRT refused the cached engine {} ({}); rebuilding it", cache.path(key),
                            n.logger.lastError);
                    cache.discard(key);
                } else {
                    LOG.info("TensorRT engine loaded from cache {}", cache.path(key));
                }
            }
            if (n.engine == null) {
                LOG.info("building a TensorRT {} engine for {} on {} (TensorRT {}); this takes minutes once, then it is"
                        + " cached in {}", precision, model.getFileName(), gpuName, version, cache.dir());
                byte[] built = build(model, precision, n.logger);
                try {
                    Path saved = cache.save(key, built);
                    LOG.info("TensorRT engine cached as {}", saved);
                } catch (IOException e) {
                    LOG.warn("cannot cache the TensorRT engine in {} ({}); the next start builds it again; set"
                            + " engine_options.cache_dir to a writable directory", cache.dir(), e.getMessage());
                }
                n.engine = deserialize(n.runtime, built);
                if (n.engine == null) {
                    throw TensorRtErrors.build(model, n.logger.lastError);
                }
            }
            n.context = n.engine.createExecutionContext();
            if (n.context == null || n.context.isNull()) {
                throw TensorRtErrors.build(model, n.logger.lastError);
            }
            n.stream = new CUstream_st();
            cuda("cudaStreamCreate", cudaStreamCreate(n.stream));

            List<TensorSpec> inputs = new ArrayList<>();
            List<TensorSpec> outputs = new ArrayList<>();
            List<FloatBuffer> inBuffers = new ArrayList<>();
            List<FloatBuffer> outBuffers = new ArrayList<>();
            for (int i = 0; i < n.engine.getNbIOTensors(); i++) {
                String name = n.engine.getIOTensorName(i);
                if (n.engine.getTensorDataType(name) != nvinfer.DataType.kFLOAT) {
                    throw TensorRtErrors.tensor(model, name, "is " + n.engine.getTensorDataType(name)
                            + ", expected float32");
                }
                long[] shape = dims(n.engine.getTensorShape(name));
                for (long d : shape) {
                    if (d < 0) {
                        throw TensorRtErrors.tensor(model, name, "has a dynamic shape " + java.util.Arrays.toString(shape));
                    }
                }
                TensorSpec spec = new TensorSpec(name, "float32", shape);
                boolean isInput = n.engine.getTensorIOMode(name) == nvinfer.TensorIOMode.kINPUT;
                PointerPointer<Pointer> hostRef = new PointerPointer<>(1);
                cuda("cudaMallocHost", cudaMallocHost(hostRef, spec.elementCount() * 4));
                Pointer pinned = hostRef.get(0);
                hostRef.close();
                (isInput ? n.hostInputs : n.hostOutputs).add(pinned);
                FloatBuffer host = new FloatPointer(pinned).capacity(spec.elementCount()).asBuffer();
                PointerPointer<Pointer> devRef = new PointerPointer<>(1);
                cuda("cudaMalloc", cudaMalloc(devRef, spec.elementCount() * 4));
                Pointer device = devRef.get(0);
                devRef.close();
                (isInput ? n.deviceInputs : n.deviceOutputs).add(device);
                if (!n.context.setTensorAddress(name, device)) {
                    throw TensorRtErrors.tensor(model, name, "cannot be bound (" + n.logger.lastError + ")");
                }
                (isInput ? inputs : outputs).add(spec);
                (isInput ? inBuffers : outBuffers).add(host);
            }
            EngineInfo info = new EngineInfo(NAME, "cuda:" + gpu + " " + gpuName, precision,
                    model.getFileName().toString());
            return new TensorRtEngine(info, List.copyOf(inputs), List.copyOf(outputs), List.copyOf(inBuffers),
                    List.copyOf(outBuffers), n);
        } catch (IOException e) {
            n.free();
            throw new EngineException("engine tensorrt: cannot read " + model + " or the engine cache: " + e.getMessage()
                    + "; check the paths and their permissions", e);
        } catch (EngineException | RuntimeException e) {
            n.free();
            throw e;
        } catch (LinkageError e) {
            n.free();
            throw TensorRtErrors.librariesMissing(e);
        }
    }

    private static ICudaEngine deserialize(IRuntime runtime, byte[] plan) {
        BytePointer bytes = new BytePointer(plan);
        try {
            ICudaEngine engine = runtime.deserializeCudaEngine(bytes, plan.length);
            return engine == null || engine.isNull() ? null : engine;
        } finally {
            bytes.close();
        }
    }

    /** Parses the ONNX model and builds a serialized plan for {@code precision}. */
    private static byte[] build(Path model, String precision, TrtLogger logger) throws EngineException {
        IBuilder builder = nvinfer.createInferBuilder(logger);
        if (builder == null || builder.isNull()) {
            throw TensorRtErrors.build(model, logger.lastError);
        }
        // TensorRT 10: networks are always explicit-batch; no creation flags needed
        INetworkDefinition network = builder.createNetworkV2(0);
        IParser parser = nvonnxparser.createParser(network, logger);
        if (!parser.parseFromFile(model.toString(), ILogger.Severity.kWARNING.value)) {
            List<String> errors = new ArrayList<>();
            for (int i = 0; i < parser.getNbErrors(); i++) {
                errors.add(parser.getError(i).desc());
            }
            throw TensorRtErrors.parse(model, errors);
        }
        IBuilderConfig config = builder.createBuilderConfig();
        config.setMemoryPoolLimit(nvinfer.MemoryPoolType.kWORKSPACE, WORKSPACE_BYTES);
        if (!precision.equals("fp32")) {
            config.setFlag(nvinfer.BuilderFlag.kFP16);
        }
        if (precision.equals("int8")) {
            // explicit quantization: the QDQ nodes carry the scales, no calibrator
            config.setFlag(nvinfer.BuilderFlag.kINT8);
        }
        IHostMemory serialized = builder.buildSerializedNetwork(network, config);
        if (serialized == null || serialized.isNull() || serialized.size() == 0) {
            throw TensorRtErrors.build(model, logger.lastError);
        }
        byte[] plan = new byte[(int) serialized.size()];
        new BytePointer(serialized.data()).capacity(serialized.size()).get(plan);
        return plan;
    }

    private static long[] dims(Dims64 d) {
        long[] shape = new long[d.nbDims()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = d.d(i);
        }
        return shape;
    }

    private static void cuda(String step, int code) throws EngineException {
        if (code != 0) {
            BytePointer text = cudaGetErrorString(code);
            throw TensorRtErrors.cuda(step, code, text == null ? "" : text.getString());
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

    /** The thread whose CUDA context is set to this engine's GPU (the detector thread after its first frame). */
    private Thread deviceThread;

    @Override
    public void infer() throws EngineException {
        if (Thread.currentThread() != deviceThread) {
            // cudaSetDevice is per thread: the engine is opened on the main thread and run on a detector thread
            cuda("cudaSetDevice", cudaSetDevice(natives.gpu));
            deviceThread = Thread.currentThread();
        }
        for (int i = 0; i < inputSpecs.size(); i++) {
            cuda("cudaMemcpyAsync", cudaMemcpyAsync(natives.deviceInputs.get(i),
                    natives.hostInputs.get(i), inputSpecs.get(i).elementCount() * 4, cudaMemcpyHostToDevice,
                    natives.stream));
        }
        if (!natives.context.enqueueV3(natives.stream)) {
            throw new EngineException("inference failed in " + info + ": " + natives.logger.lastError
                    + "; check the GPU with tegrastats/nvidia-smi");
        }
        for (int i = 0; i < outputSpecs.size(); i++) {
            cuda("cudaMemcpyAsync", cudaMemcpyAsync(natives.hostOutputs.get(i),
                    natives.deviceOutputs.get(i), outputSpecs.get(i).elementCount() * 4,
                    cudaMemcpyDeviceToHost, natives.stream));
        }
        cuda("cudaStreamSynchronize", cudaStreamSynchronize(natives.stream));
    }

    @Override
    public FloatBuffer output(int index) {
        return outputBuffers.get(index).clear();
    }

    @Override
    public void close() {
        natives.free();
    }
}
