package io.edgecascade.engines.openvino;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineOptions;
import java.lang.reflect.Proxy;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's use of the C API, against a scripted stand-in of {@code libopenvino_c}: a model with one input
 * [1,3,4,4] and one output [1,2], whose "inference" writes the sum of the input to output[0] and the input's first
 * value to output[1]. Checks the call sequence, the buffer wiring, and that every handle is freed, also on failure.
 */
class OpenVinoEngineTest {

    @TempDir
    Path dir;

    /** The scripted library; {@code failAt} makes that function return {@code failStatus}. */
    private static final class Script {
        final List<String> calls = new ArrayList<>();
        final Map<String, Pointer> hostPointers = new HashMap<>();
        final List<Long> tensorSizes = new ArrayList<>();
        String failAt = "";
        int failStatus = -1;
        long[] inputShape = {1, 3, 4, 4};
        int inputType = HostTensors.F32;
        Pointer input;
        Pointer output;
        String compiledDevice;
        List<Object> compileProperties;

        OpenVinoApi api() {
            return (OpenVinoApi) Proxy.newProxyInstance(OpenVinoApi.class.getClassLoader(),
                    new Class<?>[] {OpenVinoApi.class}, (proxy, m, args) -> {
                        String name = m.getName();
                        calls.add(name);
                        if (name.equals(failAt)) {
                            return failStatus;
                        }
                        switch (name) {
                            case "ov_core_create", "ov_core_read_model", "ov_compiled_model_create_infer_request",
                                    "ov_model_const_input_by_index", "ov_model_const_output_by_index" ->
                                ((PointerByReference) args[args.length - 1]).setValue(new Memory(8));
                            case "ov_core_compile_model" -> {
                                compiledDevice = (String) args[2];
                                compileProperties = List.of((Object[]) args[5]);
                                ((PointerByReference) args[4]).setValue(new Memory(8));
                            }
                            case "ov_model_inputs_size", "ov_model_outputs_size" ->
                                ((LongByReference) args[1]).setValue(1);
                            case "ov_port_get_any_name" -> {
                                Memory s = new Memory(16);
                                s.setString(0, calls.contains("ov_model_const_output_by_index") ? "output" : "images");
                                ((PointerByReference) args[1]).setValue(s);
                            }
                            case "ov_port_get_element_type" -> ((IntByReference) args[1]).setValue(
                                    calls.contains("ov_model_const_output_by_index") ? HostTensors.F32 : inputType);
                            case "ov_const_port_get_shape" -> {
                                long[] dims = calls.contains("ov_model_const_output_by_index") ? new long[] {1, 2}
                                        : inputShape;
                                OpenVinoApi.OvShape shape = (OpenVinoApi.OvShape) args[1];
                                Memory d = new Memory(8L * dims.length);
                                d.write(0, dims, 0, dims.length);
                                shape.rank = dims.length;
                                shape.dims = d;
                            }
                            case "ov_tensor_create_from_host_ptr" -> {
                                assertEquals(HostTensors.F32, (int) (Integer) args[0]);
                                OpenVinoApi.OvShape shape = (OpenVinoApi.OvShape) args[1];
                                long n = 1;
                                for (long v : shape.toArray()) {
                                    n *= v;
                                }
                                tensorSizes.add(n);
                                if (input == null) {
                                    input = (Pointer) args[2];
                                } else {
                                    output = (Pointer) args[2];
                                }
                                ((PointerByReference) args[3]).setValue(new Memory(8));
                            }
                            case "ov_infer_request_infer" -> {
                                float sum = 0;
                                for (int i = 0; i < 48; i++) {
                                    sum += input.getFloat(4L * i);
                                }
                                output.setFloat(0, sum);
                                output.setFloat(4, input.getFloat(0));
                            }
                            case "ov_get_last_err_msg" -> {
                                Memory s = new Memory(32);
                                s.setString(0, "scripted failure detail");
                                return s;
                            }
                            default -> {
                                // frees and setters succeed
                            }
                        }
                        return m.getReturnType() == int.class ? 0 : null;
                    });
        }

        long count(String name) {
            return calls.stream().filter(name::equals).count();
        }
    }

    private Path model() throws Exception {
        return Files.writeString(dir.resolve("tiny.onnx"), "scripted");
    }

    @Test
    void opensRunsOnItsOwnBuffersAndFreesEverything() throws Exception {
        Script s = new Script();
        EngineOptions options = new EngineOptions(model(), 3).withDevice("gpu").withCacheDir(dir);
        try (OpenVinoEngine e = OpenVinoEngine.open(options, s.api())) {
            assertEquals("openvino (gpu, fp16, tiny.onnx)", e.info().toString());
            assertArrayEquals(new long[] {1, 3, 4, 4}, e.inputs().get(0).shape());
            assertEquals("images", e.inputs().get(0).name());
            assertEquals("output", e.outputs().get(0).name());
            assertEquals("GPU", s.compiledDevice);
            assertEquals(List.of("PERFORMANCE_HINT", "LATENCY", "INFERENCE_PRECISION_HINT", "f16", "CACHE_DIR",
                    dir.resolve("openvino").toString()), s.compileProperties);
            assertEquals(List.of(48L, 2L), s.tensorSizes);

            for (int frame = 1; frame <= 3; frame++) {
                FloatBuffer in = e.input(0);
                for (int i = 0; i < 48; i++) {
                    in.put(i, frame);
                }
                e.infer();
                FloatBuffer out = e.output(0);
                assertEquals(48f * frame, out.get(0), "the engine's output buffer is the tensor's memory");
                assertEquals(frame, out.get(1));
            }
            assertEquals(2, s.count("ov_tensor_create_from_host_ptr"), "tensors are made once, not per frame");
            assertEquals(1, s.count("ov_infer_request_set_input_tensor_by_index"));
            assertEquals(1, s.count("ov_infer_request_set_output_tensor_by_index"));
        }
        for (String free : List.of("ov_infer_request_free", "ov_compiled_model_free", "ov_model_free",
                "ov_core_free")) {
            assertEquals(1, s.count(free), free);
        }
        assertEquals(2, s.count("ov_tensor_free"));
        assertEquals(2, s.count("ov_output_const_port_free"));
        assertEquals(2, s.count("ov_shape_free"));
    }

    @Test
    void aCompileFailureIsMappedAndFreesWhatWasMade() throws Exception {
        Script s = new Script();
        s.failAt = "ov_core_compile_model";
        s.failStatus = -5;
        EngineException e = assertThrows(EngineException.class,
                () -> OpenVinoEngine.open(new EngineOptions(model(), 1).withDevice("NPU"), s.api()));
        assertEquals("engine openvino: compile_model failed with NOT_FOUND (scripted failure detail); device 'NPU' is"
                + " not available to OpenVINO; run 'edge-cascade probe' and pick one of its devices (CPU, GPU, NPU,"
                + " AUTO), or install the device's driver", e.getMessage());
        assertEquals(1, s.count("ov_model_free"));
        assertEquals(1, s.count("ov_core_free"));
        assertEquals(0, s.count("ov_compiled_model_free"), "nothing compiled, nothing to free");
    }

    @Test
    void anInferFailureNamesTheDevice() throws Exception {
        Script s = new Script();
        try (OpenVinoEngine e = OpenVinoEngine.open(new EngineOptions(model(), 1).withDevice("CPU"), s.api())) {
            s.failAt = "ov_infer_request_infer";
            s.failStatus = -7;
            EngineException x = assertThrows(EngineException.class, e::infer);
            assertTrue(x.getMessage().startsWith("engine openvino: infer failed with UNEXPECTED"), x.getMessage());
        }
    }

    @Test
    void nonFloatInputsAndDynamicShapesAreRejected() throws Exception {
        Script u8 = new Script();
        u8.inputType = 14;
        EngineException e = assertThrows(EngineException.class,
                () -> OpenVinoEngine.open(new EngineOptions(model(), 1), u8.api()));
        assertTrue(e.getMessage().contains("input 'images' is u8, expected f32"), e.getMessage());
        assertEquals(1, u8.count("ov_core_free"));

        Script dynamic = new Script();
        dynamic.failAt = "ov_const_port_get_shape";
        e = assertThrows(EngineException.class, () -> OpenVinoEngine.open(new EngineOptions(model(), 1), dynamic.api()));
        assertTrue(e.getMessage().contains("has a dynamic shape"), e.getMessage());

        Script dynamicHeight = new Script();
        dynamicHeight.inputShape = new long[] {-1, 3, -1, 416};
        e = assertThrows(EngineException.class,
                () -> OpenVinoEngine.open(new EngineOptions(model(), 1), dynamicHeight.api()));
        assertTrue(e.getMessage().contains("dynamic dimension 2"), e.getMessage());
    }

    @Test
    void aMissingModelIsReportedBeforeTouchingTheLibrary() {
        Script s = new Script();
        EngineException e = assertThrows(EngineException.class,
                () -> OpenVinoEngine.open(new EngineOptions(dir.resolve("nope.onnx"), 1), s.api()));
        assertTrue(e.getMessage().startsWith("model file not found or not readable"), e.getMessage());
        assertTrue(s.calls.isEmpty());
    }
}
