package io.edgecascade.cascade.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrecisionChoiceTest {

    @TempDir
    Path dir;

    @Test
    void autoNeverPicksTheSlowerPrecision() throws Exception {
        double[][] cases = {{10, 6}, {6, 10}, {8, 8}, {12.5, 12.4}, {0.9, 0.95}};
        for (double[] c : cases) {
            Map<String, Double> ms = Map.of("fp32", c[0], "int8", c[1]);
            PrecisionChoice choice = PrecisionChoice.measure(ms::get);
            double chosen = ms.get(choice.precision());
            double other = ms.get(choice.precision().equals("fp32") ? "int8" : "fp32");
            assertTrue(chosen <= other, "chose " + choice + " for " + ms);
            if (c[0] == c[1]) {
                assertEquals("fp32", choice.precision(), "a tie keeps the exact model");
            }
            assertTrue(choice.reason().contains(choice.precision().toUpperCase()), choice.reason());
        }
    }

    @Test
    void theInt8CopyIsKeyedByModelAndCalibrationSettings() throws Exception {
        Path model = Files.copy(TestAssets.model(), dir.resolve("nano.onnx"));
        Quantizer.Options o = Quantizer.Options.defaults();
        Path a = QuantizedModels.path(model, "/frames", 50, o, dir.resolve("cache"));
        assertEquals(dir, a.getParent(), "next to the model");
        assertTrue(a.getFileName().toString().startsWith("nano.int8-"), a.toString());
        assertEquals(a, QuantizedModels.path(model, "/frames", 50, o, dir.resolve("cache")), "stable");
        assertNotEquals(a, QuantizedModels.path(model, "/frames", 60, o, dir.resolve("cache")));
        assertNotEquals(a, QuantizedModels.path(model, "/other", 50, o, dir.resolve("cache")));
        assertNotEquals(a, QuantizedModels.path(model, "/frames", 50, o.withMethod(QuantMethod.MINMAX),
                dir.resolve("cache")));
        Files.write(model, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertNotEquals(a, QuantizedModels.path(model, "/frames", 50, o, dir.resolve("cache")), "a changed model");
    }

    @Test
    void aReadOnlyModelFolderUsesTheCacheFolder() throws Exception {
        Path model = Files.copy(TestAssets.model(), dir.resolve("nano.onnx"));
        Path p = QuantizedModels.path(model, "camera", 50, Quantizer.Options.defaults(), dir.resolve("cache"), false);
        assertEquals(dir.resolve("cache").resolve("quantized"), p.getParent());
    }
}
