package io.edgecascade.engines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxRuntimeEnginesTest {

    @Test
    void cpuEngineLoadsYoloxAndRunsOnItsBoundBuffers() throws Exception {
        try (InferenceEngine e = OnnxRuntimeCpuEngine.open(new EngineOptions(Assets.model(), 1))) {
            assertEquals(new EngineInfo("onnxruntime-cpu", "cpu", "fp32", "yolox_nano.onnx"), e.info());
            assertArrayEquals(new long[] {1, 3, 416, 416}, e.inputs().get(0).shape());
            assertArrayEquals(new long[] {1, 3549, 85}, e.outputs().get(0).shape());
            FloatBuffer in = e.input(0);
            assertEquals(3 * 416 * 416, in.capacity());
            while (in.hasRemaining()) {
                in.put(114f);
            }
            e.infer();
            FloatBuffer out = e.output(0);
            float objectness = out.get(4);
            assertTrue(objectness >= 0f && objectness <= 1f, "sigmoid output, got " + objectness);
            assertTrue(e.input(0) == in, "the same reusable buffer every frame");
        }
    }

    @Test
    void cudaEngineWithoutTheGpuBuildSaysHowToGetIt() {
        // mvn verify runs the CPU jar: the CUDA provider is missing, and the message must say what to do
        EngineException e = assertThrows(EngineException.class,
                () -> OnnxRuntimeCudaEngine.open(new EngineOptions(Assets.model(), 1)));
        assertTrue(e.getMessage().startsWith("engine onnxruntime-cuda is not available: "), e.getMessage());
        assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());
    }

    @Test
    void tensorRtProviderEngineWithoutTheGpuBuildSaysHowToGetIt(@TempDir Path cache) {
        EngineException e = assertThrows(EngineException.class, () -> OnnxRuntimeTensorRtEngine.open(
                new EngineOptions(Assets.model(), 1).withCacheDir(cache)));
        assertTrue(e.getMessage().startsWith("engine onnxruntime-tensorrt is not available: "), e.getMessage());
        assertTrue(e.getMessage().contains("TensorRT 10"), e.getMessage());
        assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());
    }

    @Test
    void tensorRtProviderOptionsFollowTheEngineOptions(@TempDir Path cache) throws Exception {
        EngineOptions fp16 = new EngineOptions(Path.of("/m/yolox_nano.onnx"), 1).withCacheDir(cache);
        Map<String, String> o = OnnxRuntimeTensorRtEngine.providerOptions(fp16, 1);
        assertEquals("1", o.get("device_id"));
        assertEquals("1", o.get("trt_fp16_enable"));
        assertEquals("0", o.get("trt_int8_enable"));
        assertEquals("1", o.get("trt_engine_cache_enable"));
        assertEquals(cache.resolve("onnxruntime-tensorrt").toString(), o.get("trt_engine_cache_path"));
        assertEquals("fp16", OnnxRuntimeTensorRtEngine.precision(fp16));

        EngineOptions fp32 = fp16.withPrecision(false, false);
        assertEquals("0", OnnxRuntimeTensorRtEngine.providerOptions(fp32, 0).get("trt_fp16_enable"));
        assertEquals("fp32", OnnxRuntimeTensorRtEngine.precision(fp32));

        // a QDQ model (by its graph, not its name) turns INT8 on by itself: TensorRT reads the scales from the model
        EngineOptions qdq = new EngineOptions(TinyModels.qdq(cache.resolve("model.onnx")), 1);
        assertEquals("1", OnnxRuntimeTensorRtEngine.providerOptions(qdq, 0).get("trt_int8_enable"));
        assertEquals("int8", OnnxRuntimeTensorRtEngine.precision(qdq));
    }

    @Test
    void cudaDeviceStringsAreParsed() throws Exception {
        EngineOptions o = new EngineOptions(Path.of("m.onnx"), 1);
        assertEquals(0, o.cudaDevice("x"));
        assertEquals(1, o.withDevice("1").cudaDevice("x"));
        assertEquals(2, o.withDevice("cuda:2").cudaDevice("x"));
        EngineException e = assertThrows(EngineException.class, () -> o.withDevice("GPU").cudaDevice("onnxruntime-cuda"));
        assertTrue(e.getMessage().contains("device 'GPU' is not a CUDA device"), e.getMessage());
    }

    @Test
    void aCorruptModelIsAModelErrorNotAProviderError(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("broken.onnx"), "not a protobuf");
        EngineException e = assertThrows(EngineException.class,
                () -> OnnxRuntimeCpuEngine.open(new EngineOptions(bad, 1)));
        assertTrue(e.getMessage().startsWith("cannot load model " + bad), e.getMessage());
    }
}
