package io.edgecascade.engines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxRuntimeCpuEngineTest {

    @Test
    void runsAModelInPlaceOnItsReusableBuffers(@TempDir Path dir) throws Exception {
        Path model = TinyModels.identity(dir.resolve("identity.onnx"), 1, 4);
        try (InferenceEngine e = EngineRegistry.standard().open("auto", new EngineOptions(model, 1))) {
            assertEquals(new EngineInfo("onnxruntime-cpu", "cpu", "fp32", "identity.onnx"), e.info());
            assertArrayEquals(new long[] {1, 4}, e.inputs().get(0).shape());
            assertEquals("y", e.outputs().get(0).name());
            FloatBuffer in = e.input(0);
            FloatBuffer out = e.output(0);
            for (int round = 0; round < 3; round++) {
                in.put(0, round).put(1, 2).put(2, 3).put(3, 4);
                e.infer();
                assertEquals(round, out.get(0), 0f, "the output buffer is rewritten on every run");
                assertEquals(4f, out.get(3), 0f);
                assertTrue(e.output(0) == out || e.output(0).get(0) == round, "outputs are the same buffer");
            }
        }
    }

    @Test
    void aMissingModelNamesThePathAndTheFix(@TempDir Path dir) {
        EngineException e = assertThrows(EngineException.class,
                () -> OnnxRuntimeCpuEngine.open(new EngineOptions(dir.resolve("none.onnx"), 1)));
        assertTrue(e.getMessage().startsWith("model file not found: "), e.getMessage());
        assertTrue(e.getMessage().contains("models pull"), e.getMessage());
    }

    @Test
    void aFileThatIsNoModelSaysSo(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "this is not a model");
        EngineException e = assertThrows(EngineException.class,
                () -> OnnxRuntimeCpuEngine.open(new EngineOptions(junk, 1)));
        assertTrue(e.getMessage().startsWith("cannot load model " + junk), e.getMessage());
        assertTrue(e.getMessage().contains("valid ONNX model"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    }

    @Test
    void unknownEnginesListTheKnownOnes(@TempDir Path dir) throws Exception {
        Path model = TinyModels.identity(dir.resolve("identity.onnx"), 1, 4);
        EngineException e = assertThrows(EngineException.class,
                () -> EngineRegistry.standard().open("warp-drive", new EngineOptions(model, 1)));
        assertTrue(e.getMessage().contains("unknown engine 'warp-drive'"), e.getMessage());
        assertTrue(e.getMessage().contains("onnxruntime-cpu"), e.getMessage());
    }
}
