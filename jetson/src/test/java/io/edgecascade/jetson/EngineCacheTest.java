package io.edgecascade.jetson;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineCacheTest {

    @TempDir
    Path dir;

    private Path model(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void theKeyHoldsModelHashGpuVersionAndPrecision() throws Exception {
        Path model = model("yolox_nano.onnx", "weights v1");
        EngineCache.Key key = EngineCache.key(model, "Orin (nvgpu)", "10.3.0", "fp16");
        assertEquals("yolox_nano", key.modelStem());
        // sha256("weights v1")
        assertEquals(EngineCache.sha256(model), key.modelHash());
        assertEquals(64, key.modelHash().length());
        assertEquals("yolox_nano-" + key.modelHash().substring(0, 16) + "-orin_nvgpu-trt10.3.0-fp16.plan",
                key.fileName());
    }

    @Test
    void anythingThatInvalidatesAPlanChangesItsFile() throws Exception {
        Path model = model("m.onnx", "weights v1");
        String base = EngineCache.key(model, "Orin", "10.3.0", "fp16").fileName();
        List<String> others = List.of(
                EngineCache.key(model, "NVIDIA RTX A2000", "10.3.0", "fp16").fileName(),
                EngineCache.key(model, "Orin", "10.6.0", "fp16").fileName(),
                EngineCache.key(model, "Orin", "10.3.0", "int8").fileName(),
                EngineCache.key(model("m2/../m.onnx".replace("m2/../", ""), "weights v2"), "Orin", "10.3.0", "fp16")
                        .fileName());
        for (String other : others) {
            assertNotEquals(base, other);
        }
        assertEquals(base, EngineCache.key(model("m.onnx", "weights v1"), "Orin", "10.3.0", "fp16").fileName(),
                "the same inputs give the same plan: reuse on the next start");
    }

    @Test
    void slugsAreFileNameSafe() {
        assertEquals("nvidia_geforce_rtx_4090", EngineCache.slug("NVIDIA GeForce RTX 4090"));
        assertEquals("a_b", EngineCache.slug("../a/b"));
        assertEquals("unknown", EngineCache.slug("///"));
        assertEquals("10.3.0", EngineCache.slug("10.3.0"));
    }

    @Test
    void plansAreSavedAtomicallyLoadedAndDiscarded() throws Exception {
        EngineCache cache = new EngineCache(dir.resolve("cache/tensorrt"));
        EngineCache.Key key = EngineCache.key(model("m.onnx", "w"), "Orin", "10.3.0", "fp16");
        assertTrue(cache.load(key).isEmpty(), "nothing before the first build");
        byte[] plan = {1, 2, 3, 4, 5};
        Path saved = cache.save(key, plan);
        assertEquals(cache.dir().resolve(key.fileName()), saved);
        assertArrayEquals(plan, cache.load(key).orElseThrow());
        try (Stream<Path> files = Files.list(cache.dir())) {
            assertEquals(List.of(saved), files.toList(), "no temporary files left behind");
        }
        cache.save(key, new byte[] {9});
        assertArrayEquals(new byte[] {9}, cache.load(key).orElseThrow(), "a rebuild replaces the plan");
        cache.discard(key);
        assertTrue(cache.load(key).isEmpty());
    }

    @Test
    void anEmptyPlanFileCountsAsMissing() throws Exception {
        EngineCache cache = new EngineCache(dir);
        EngineCache.Key key = EngineCache.key(model("m.onnx", "w"), "Orin", "10.3.0", "fp16");
        Files.write(cache.path(key), new byte[0]);
        assertTrue(cache.load(key).isEmpty());
    }
}
