package io.edgecascade.engines.openvino;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineFactory;
import io.edgecascade.engines.EngineInfo;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.InferenceEngine;
import io.edgecascade.engines.ModelPrecision;
import io.edgecascade.engines.TensorSpec;
import io.edgecascade.engines.probe.HardwareProfile;
import io.edgecascade.engines.probe.LibraryStatus;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * OpenVINO (Intel CPU, integrated/discrete GPU, NPU) through its C API, loaded at run time: nothing native ships
 * with edge-cascade, the box's OpenVINO 2024+ runtime is used. Reads ONNX and OpenVINO IR ({@code .xml}).
 *
 * <p>Input and output tensors wrap the engine's own direct buffers ({@link HostTensors}) and are set on the infer
 * request once, so {@link #infer()} is one native call and allocates nothing.
 */
public final class OpenVinoEngine implements InferenceEngine {

    public static final String NAME = "openvino";

    /** The library's base name: {@code libopenvino_c.so} on Linux. */
    public static final String LIBRARY = "openvino_c";

    /** Registry entry. */
    public static final class Factory implements EngineFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public InferenceEngine open(EngineOptions options) throws EngineException {
            return OpenVinoEngine.open(options, OpenVinoEngine.loadLibrary(LIBRARY));
        }

        @Override
        public Optional<String> unavailable(HardwareProfile hw) {
            return hw.loads(HardwareProfile.OPENVINO) ? Optional.empty()
                    : Optional.of(hw.whyNot(HardwareProfile.OPENVINO) + "; install the OpenVINO 2024+ runtime");
        }
    }

    private final OpenVinoApi ov;
    private final EngineInfo info;
    private final List<TensorSpec> inputSpecs;
    private final List<TensorSpec> outputSpecs;
    private final List<FloatBuffer> inputBuffers;
    private final List<FloatBuffer> outputBuffers;
    private final Natives natives;

    /** Every native handle the engine owns, freed in reverse order of creation. */
    private static final class Natives {
        Pointer core;
        Pointer model;
        Pointer compiled;
        Pointer request;
        final List<Pointer> tensors = new ArrayList<>();

        void free(OpenVinoApi ov) {
            if (request != null) {
                ov.ov_infer_request_free(request);
                request = null;
            }
            for (Pointer t : tensors) {
                ov.ov_tensor_free(t);
            }
            tensors.clear();
            if (compiled != null) {
                ov.ov_compiled_model_free(compiled);
                compiled = null;
            }
            if (model != null) {
                ov.ov_model_free(model);
                model = null;
            }
            if (core != null) {
                ov.ov_core_free(core);
                core = null;
            }
        }
    }

    private OpenVinoEngine(OpenVinoApi ov, EngineInfo info, List<TensorSpec> inputSpecs, List<TensorSpec> outputSpecs,
            List<FloatBuffer> inputBuffers, List<FloatBuffer> outputBuffers, Natives natives) {
        this.ov = ov;
        this.info = info;
        this.inputSpecs = inputSpecs;
        this.outputSpecs = outputSpecs;
        this.inputBuffers = inputBuffers;
        this.outputBuffers = outputBuffers;
        this.natives = natives;
    }

    /**
     * Loads {@code libopenvino_c} (from {@code LD_LIBRARY_PATH}, {@code jna.library.path} or the system), or says
     * how to install it.
     */
    public static OpenVinoApi loadLibrary(String name) throws EngineException {
        try {
            return Native.load(name, OpenVinoApi.class);
        } catch (UnsatisfiedLinkError e) {
            throw libraryNotFound(name, e);
        }
    }

    static EngineException libraryNotFound(String name, Throwable cause) {
        String detail = LibraryStatus.loaderReason(cause.getMessage());
        return new EngineException("engine openvino is not available: the OpenVINO runtime library "
                + System.mapLibraryName(name) + " was not found (" + detail + ")"
                + "; install the OpenVINO 2024 or later runtime (e.g. the openvino apt or archive package) and add"
                + " its runtime/lib directory to LD_LIBRARY_PATH", cause);
    }

    /** Reads and compiles {@code options.model()} for {@code options.device()} through {@code ov}. */
    public static OpenVinoEngine open(EngineOptions options, OpenVinoApi ov) throws EngineException {
        Path model = options.model();
        if (!Files.isRegularFile(model) || !Files.isReadable(model)) {
            throw new EngineException("model file not found or not readable: " + model
                    + "; set model.path in the config, or run 'edge-cascade models pull'");
        }
        String device = OpenVinoDevice.parse(options.device());
        Natives n = new Natives();
        List<FloatBuffer> inputBuffers = new ArrayList<>();
        List<FloatBuffer> outputBuffers = new ArrayList<>();
        try {
            PointerByReference ref = new PointerByReference();
            check(ov, "create_core", ov.ov_core_create(ref), device);
            n.core = ref.getValue();
            ref = new PointerByReference();
            check(ov, "read_model", ov.ov_core_read_model(n.core, model.toString(), binPath(model), ref), device);
            n.model = ref.getValue();

            List<TensorSpec> inputSpecs = ports(ov, n.model, true, model, device);
            List<TensorSpec> outputSpecs = ports(ov, n.model, false, model, device);

            List<String> props = OpenVinoDevice.properties(device, options.threads(), options.fp16(),
                    options.cacheDir().resolve(NAME).toString());
            ref = new PointerByReference();
            check(ov, "compile_model", ov.ov_core_compile_model(n.core, n.model, device, props.size(), ref,
                    props.toArray()), device);
            n.compiled = ref.getValue();
            ref = new PointerByReference();
            check(ov, "create_infer_request", ov.ov_compiled_model_create_infer_request(n.compiled, ref), device);
            n.request = ref.getValue();

            for (int i = 0; i < inputSpecs.size(); i++) {
                FloatBuffer b = HostTensors.allocate(inputSpecs.get(i));
                inputBuffers.add(b);
                Pointer tensor = hostTensor(ov, inputSpecs.get(i), b, device);
                n.tensors.add(tensor);
                check(ov, "set_input_tensor", ov.ov_infer_request_set_input_tensor_by_index(n.request, i, tensor),
                        device);
            }
            for (int i = 0; i < outputSpecs.size(); i++) {
                FloatBuffer b = HostTensors.allocate(outputSpecs.get(i));
                outputBuffers.add(b);
                Pointer tensor = hostTensor(ov, outputSpecs.get(i), b, device);
                n.tensors.add(tensor);
                check(ov, "set_output_tensor", ov.ov_infer_request_set_output_tensor_by_index(n.request, i, tensor),
                        device);
            }
            EngineInfo info = new EngineInfo(NAME, device.toLowerCase(Locale.ROOT),
                    precision(device, options, inferencePrecision(ov, n.compiled)),
                    model.getFileName().toString());
            return new OpenVinoEngine(ov, info, List.copyOf(inputSpecs), List.copyOf(outputSpecs),
                    List.copyOf(inputBuffers), List.copyOf(outputBuffers), n);
        } catch (EngineException | RuntimeException e) {
            n.free(ov);
            throw e;
        }
    }

    /** IR models keep weights beside the {@code .xml}; ONNX needs no bin path. */
    static String binPath(Path model) {
        String name = model.getFileName().toString();
        if (name.toLowerCase(Locale.ROOT).endsWith(".xml")) {
            return model.resolveSibling(name.substring(0, name.length() - 4) + ".bin").toString();
        }
        return "";
    }

    /**
     * What the compiled model computes in, as the device reports it ({@code INFERENCE_PRECISION_HINT}: an AMX CPU
     * runs bf16 unless told otherwise), or null when the runtime does not say.
     */
    static String inferencePrecision(OpenVinoApi ov, Pointer compiled) {
        PointerByReference value = new PointerByReference();
        try {
            if (ov.ov_compiled_model_get_property(compiled, "INFERENCE_PRECISION_HINT", value) != 0
                    || value.getValue() == null) {
                return null;
            }
            String hint = value.getValue().getString(0);
            ov.ov_free(value.getValue());
            return hint;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null; // an older runtime without the call: fall back to what was asked for
        }
    }

    /** The precision label: a quantized graph is int8; otherwise what the device runs, else what was asked. */
    static String precision(String device, EngineOptions options, String deviceHint) {
        String declared = ModelPrecision.of(options.model());
        if (declared.equals("int8") || deviceHint == null) {
            return precision(device, options);
        }
        return switch (deviceHint.toLowerCase(Locale.ROOT)) {
            case "bf16" -> "bf16";
            case "f16" -> "fp16";
            case "f32" -> "fp32";
            default -> precision(device, options);
        };
    }

    static String precision(String device, EngineOptions options) {
        String declared = ModelPrecision.of(options.model());
        if (declared.equals("int8") || declared.equals("fp16")) {
            return declared;
        }
        String family = OpenVinoDevice.family(device);
        return options.fp16() && (family.equals("GPU") || family.equals("NPU")) ? "fp16" : "fp32";
    }

    private static Pointer hostTensor(OpenVinoApi ov, TensorSpec spec, FloatBuffer buffer, String device)
            throws EngineException {
        long[] dims = spec.shape();
        Memory dimsMemory = new Memory(8L * Math.max(1, dims.length));
        dimsMemory.write(0, dims, 0, dims.length);
        OpenVinoApi.OvShape.ByValue shape = new OpenVinoApi.OvShape.ByValue();
        shape.rank = dims.length;
        shape.dims = dimsMemory;
        PointerByReference ref = new PointerByReference();
        // the tensor copies the shape and wraps the buffer's memory; the buffer outlives it (engine fields)
        check(ov, "create_tensor", ov.ov_tensor_create_from_host_ptr(HostTensors.F32, shape,
                Native.getDirectBufferPointer(buffer), ref), device);
        return ref.getValue();
    }

    private static List<TensorSpec> ports(OpenVinoApi ov, Pointer model, boolean inputs, Path file, String device)
            throws EngineException {
        String kind = inputs ? "input" : "output";
        LongByReference count = new LongByReference();
        check(ov, "read_model", inputs ? ov.ov_model_inputs_size(model, count) : ov.ov_model_outputs_size(model, count),
                device);
        List<TensorSpec> specs = new ArrayList<>();
        for (long i = 0; i < count.getValue(); i++) {
            PointerByReference ref = new PointerByReference();
            check(ov, "read_model", inputs ? ov.ov_model_const_input_by_index(model, i, ref)
                    : ov.ov_model_const_output_by_index(model, i, ref), device);
            Pointer port = ref.getValue();
            try {
                PointerByReference nameRef = new PointerByReference();
                check(ov, "read_model", ov.ov_port_get_any_name(port, nameRef), device);
                String name = nameRef.getValue().getString(0);
                ov.ov_free(nameRef.getValue());
                IntByReference type = new IntByReference();
                check(ov, "read_model", ov.ov_port_get_element_type(port, type), device);
                if (type.getValue() != HostTensors.F32) {
                    throw new EngineException("model " + file + ": " + kind + " '" + name + "' is "
                            + HostTensors.elementTypeName(type.getValue()) + ", expected f32; export the model with"
                            + " float32 inputs and outputs");
                }
                OpenVinoApi.OvShape shape = new OpenVinoApi.OvShape();
                int status = ov.ov_const_port_get_shape(port, shape);
                if (status != OpenVinoStatus.OK) {
                    throw new EngineException("model " + file + ": " + kind + " '" + name + "' has a dynamic shape ("
                            + OpenVinoStatus.name(status) + "); export the model with a fixed input size (e.g. 416x416)");
                }
                long[] dims = shape.toArray();
                ov.ov_shape_free(shape);
                specs.add(new TensorSpec(name, "float32", TensorSpec.concreteShape(dims, file + ": " + kind
                        + " '" + name + "'")));
            } finally {
                ov.ov_output_const_port_free(port);
            }
        }
        return specs;
    }

    private static void check(OpenVinoApi ov, String step, int status, String device) throws EngineException {
        if (status != OpenVinoStatus.OK) {
            throw OpenVinoStatus.error(step, status, lastError(ov), device);
        }
    }

    /** OpenVINO's detail for the last failure; null where the runtime predates {@code ov_get_last_err_msg}. */
    private static String lastError(OpenVinoApi ov) {
        try {
            Pointer p = ov.ov_get_last_err_msg();
            if (p == null) {
                return null;
            }
            String s = p.getString(0);
            ov.ov_free(p);
            return s;
        } catch (UnsatisfiedLinkError e) {
            return null;
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
        int status = ov.ov_infer_request_infer(natives.request);
        if (status != OpenVinoStatus.OK) {
            throw OpenVinoStatus.error("infer", status, lastError(ov), info.device().toUpperCase(Locale.ROOT));
        }
    }

    @Override
    public FloatBuffer output(int index) {
        return outputBuffers.get(index).clear();
    }

    @Override
    public void close() {
        natives.free(ov);
    }
}
