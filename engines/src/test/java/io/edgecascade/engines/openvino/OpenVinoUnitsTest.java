package io.edgecascade.engines.openvino;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.TensorSpec;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the OpenVINO engine does without the OpenVINO library: statuses, devices, buffers, loading errors. */
class OpenVinoUnitsTest {

    @Test
    void statusCodesHaveTheirHeaderNames() {
        assertEquals("OK", OpenVinoStatus.name(0));
        assertEquals("GENERAL_ERROR", OpenVinoStatus.name(-1));
        assertEquals("NOT_FOUND", OpenVinoStatus.name(-5));
        assertEquals("INFER_CANCELLED", OpenVinoStatus.name(-13));
        assertEquals("UNKNOW_EXCEPTION", OpenVinoStatus.name(-17));
        assertEquals("STATUS(-18)", OpenVinoStatus.name(-18));
        assertEquals("STATUS(3)", OpenVinoStatus.name(3));
    }

    @Test
    void failuresNameTheStepTheStatusTheDetailAndTheFix() {
        EngineException missingDevice = OpenVinoStatus.error("compile_model", -5,
                "Exception from src/inference/src/cpp/core.cpp:109:\nDevice with \"NPU\" name is not registered", "NPU");
        assertEquals("engine openvino: compile_model failed with NOT_FOUND (Exception from"
                + " src/inference/src/cpp/core.cpp:109:); device 'NPU' is not available to OpenVINO; run 'edge-cascade"
                + " probe' and pick one of its devices (CPU, GPU, NPU, AUTO), or install the device's driver",
                missingDevice.getMessage());
        EngineException badModel = OpenVinoStatus.error("read_model", -1, null, "CPU");
        assertEquals("engine openvino: read_model failed with GENERAL_ERROR; check that the model is a valid ONNX or"
                + " OpenVINO IR (.xml + .bin) file", badModel.getMessage());
        assertTrue(OpenVinoStatus.error("infer", -7, "", "GPU").getMessage().contains("use device CPU"));
        assertTrue(OpenVinoStatus.error("create_core", -1, "", "AUTO").getMessage().contains("reinstall"));
        assertTrue(OpenVinoStatus.error("compile_model", -1, "", "GPU").getMessage().contains("try device AUTO"));
    }

    @Test
    void devicesAreNormalizedAndValidated() throws Exception {
        assertEquals("AUTO", OpenVinoDevice.parse(""));
        assertEquals("AUTO", OpenVinoDevice.parse(null));
        assertEquals("CPU", OpenVinoDevice.parse("cpu"));
        assertEquals("GPU.1", OpenVinoDevice.parse(" gpu.1 "));
        assertEquals("NPU", OpenVinoDevice.parse("NPU"));
        assertEquals("AUTO:GPU,CPU", OpenVinoDevice.parse("auto:gpu,cpu"));
        for (String bad : List.of("cuda:0", "0", "GPU,CPU", "AUTO:", "TPU")) {
            EngineException e = assertThrows(EngineException.class, () -> OpenVinoDevice.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "' is not an OpenVINO device"), e.getMessage());
        }
        assertEquals("GPU", OpenVinoDevice.family("GPU.1"));
        assertEquals("AUTO", OpenVinoDevice.family("AUTO:GPU,CPU"));
    }

    @Test
    void compilePropertiesSuitTheDevice() {
        assertEquals(List.of("PERFORMANCE_HINT", "LATENCY", "INFERENCE_NUM_THREADS", "2"),
                OpenVinoDevice.properties("CPU", 2, true, "/c"));
        assertEquals(List.of("PERFORMANCE_HINT", "LATENCY", "INFERENCE_NUM_THREADS", "4", "INFERENCE_PRECISION_HINT",
                "f32"), OpenVinoDevice.properties("CPU", 4, false, "/c"));
        assertEquals(List.of("PERFORMANCE_HINT", "LATENCY", "INFERENCE_PRECISION_HINT", "f16", "CACHE_DIR", "/c"),
                OpenVinoDevice.properties("GPU.0", 1, true, "/c"));
        assertEquals(List.of("PERFORMANCE_HINT", "LATENCY", "CACHE_DIR", "/c"),
                OpenVinoDevice.properties("NPU", 1, true, "/c"));
        assertEquals(0, OpenVinoDevice.properties("AUTO", 1, true, "/c").size() % 2, "key/value pairs");
    }

    @Test
    void hostBuffersAreAlignedDenseNativeOrderFloats() {
        TensorSpec image = new TensorSpec("images", "float32", new long[] {1, 3, 416, 416});
        for (int i = 0; i < 5; i++) {
            FloatBuffer b = HostTensors.allocate(image);
            assertTrue(b.isDirect());
            assertEquals(ByteOrder.nativeOrder(), b.order());
            assertEquals(3 * 416 * 416, b.capacity());
            long address = Pointer.nativeValue(Native.getDirectBufferPointer(b));
            assertEquals(0, address % HostTensors.ALIGNMENT, "64-byte aligned");
            // row-major NCHW: element (c=1, y=2, x=3) is at 1*416*416 + 2*416 + 3, as the tensor reads it
            int index = 416 * 416 + 2 * 416 + 3;
            b.put(index, 42.5f);
            assertEquals(42.5f, Native.getDirectBufferPointer(b).getFloat(4L * index));
        }
        for (long n : new long[] {1, 2, 15, 16, 17, 3549 * 85}) {
            FloatBuffer small = HostTensors.allocate(new TensorSpec("o", "float32", new long[] {1, n}));
            assertEquals(n, small.capacity(), "exactly the tensor's elements");
            assertEquals(0, Pointer.nativeValue(Native.getDirectBufferPointer(small)) % HostTensors.ALIGNMENT);
        }
        assertThrows(IllegalArgumentException.class,
                () -> HostTensors.allocate(new TensorSpec("x", "float32", new long[] {0})));
    }

    @Test
    void elementTypesMatchTheHeader() {
        assertEquals("f32", HostTensors.elementTypeName(HostTensors.F32));
        assertEquals("f16", HostTensors.elementTypeName(4));
        assertEquals("u8", HostTensors.elementTypeName(14));
        assertEquals("type 99", HostTensors.elementTypeName(99));
    }

    @Test
    void aMissingLibrarySaysHowToInstallOpenVino() {
        EngineException e = assertThrows(EngineException.class,
                () -> OpenVinoEngine.loadLibrary("openvino_c_not_installed_here"));
        assertTrue(e.getMessage().startsWith("engine openvino is not available: the OpenVINO runtime library"
                + " libopenvino_c_not_installed_here.so was not found ("), e.getMessage());
        assertTrue(e.getMessage().contains("LD_LIBRARY_PATH"), e.getMessage());
        assertTrue(e.getMessage().contains("OpenVINO 2024"), e.getMessage());
    }

    @Test
    void irModelsReadTheirWeightsBesideThem() {
        assertEquals(Path.of("/m/yolox.bin").toString(), OpenVinoEngine.binPath(Path.of("/m/yolox.xml")));
        assertEquals("", OpenVinoEngine.binPath(Path.of("/m/yolox.onnx")));
    }

    @Test
    void precisionReportsWhatTheDeviceRuns(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        EngineOptions o = new EngineOptions(Path.of("/m/yolox_nano.onnx"), 1);
        assertEquals("fp16", OpenVinoEngine.precision("GPU", o));
        assertEquals("fp32", OpenVinoEngine.precision("GPU", o.withPrecision(false, false)));
        assertEquals("fp32", OpenVinoEngine.precision("CPU", o));
        Path qdq = io.edgecascade.engines.TinyModels.qdq(dir.resolve("y.onnx"));
        assertEquals("int8", OpenVinoEngine.precision("CPU", new EngineOptions(qdq, 1)));
        // a name is not a precision: only the graph's quantize nodes make int8 (ModelPrecisionTest)
        assertEquals("fp32", OpenVinoEngine.precision("CPU", new EngineOptions(Path.of("/m/y_int8.onnx"), 1)));
        // what the compiled model reports wins: an AMX CPU runs bf16, a GPU f16
        assertEquals("bf16", OpenVinoEngine.precision("CPU", o, "bf16"));
        assertEquals("fp16", OpenVinoEngine.precision("GPU", o, "f16"));
        assertEquals("fp32", OpenVinoEngine.precision("CPU", o, "f32"));
        assertEquals("fp32", OpenVinoEngine.precision("CPU", o, null));
    }

    private static final class Pointer {
        static long nativeValue(com.sun.jna.Pointer p) {
            return com.sun.jna.Pointer.nativeValue(p);
        }
    }
}
