package io.edgecascade.cascade.detect;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.InferenceEngine;
import io.edgecascade.engines.OnnxRuntimeCpuEngine;
import io.edgecascade.engines.TinyModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model that is not the detector the config says gets a clear message, not a crash on the first frame. */
class ModelChecksTest {

    @Test
    void aModelWhoseInputIsNotAnImageIsRejected(@TempDir Path dir) throws Exception {
        Path model = TinyModels.identity(dir.resolve("vector.onnx"), 1, 16);
        try (InferenceEngine engine = OnnxRuntimeCpuEngine.open(new EngineOptions(model, 1))) {
            EngineException e = assertThrows(EngineException.class,
                    () -> ModelTypes.detector("yolox", engine, List.of("person")));
            assertTrue(e.getMessage().contains("input 'x' is [1, 16], expected [N,3,H,W]"), e.getMessage());
        }
    }

    @Test
    void anImageModelWithTheWrongHeadIsRejected(@TempDir Path dir) throws Exception {
        Path model = TinyModels.identity(dir.resolve("image.onnx"), 1, 3, 64, 64);
        try (InferenceEngine engine = OnnxRuntimeCpuEngine.open(new EngineOptions(model, 1))) {
            EngineException e = assertThrows(EngineException.class,
                    () -> ModelTypes.detector("yolox", engine, List.of("person")));
            assertTrue(e.getMessage().contains("expected [1,84,5+classes]"), e.getMessage());
            // says what the model must be: the decoder applies the grid, so a decoded export would be decoded twice
            assertTrue(e.getMessage().contains("without --decode_in_inference"), e.getMessage());
        }
    }

    @Test
    void labelsThatDoNotMatchTheModelAreRejected() throws Exception {
        try (InferenceEngine engine = OnnxRuntimeCpuEngine.open(new EngineOptions(TestAssets.model(), 1))) {
            EngineException e = assertThrows(EngineException.class,
                    () -> ModelTypes.detector("yolox", engine, List.of("person", "car")));
            assertTrue(e.getMessage().contains("predicts 80 classes but the labels file has 2 names"), e.getMessage());
        }
    }

    @Test
    void unknownModelTypesListTheKnownOnes() throws Exception {
        try (InferenceEngine engine = OnnxRuntimeCpuEngine.open(new EngineOptions(TestAssets.model(), 1))) {
            EngineException e = assertThrows(EngineException.class,
                    () -> ModelTypes.detector("yolov99", engine, List.of("person")));
            assertTrue(e.getMessage().contains("unknown model type 'yolov99'; use one of [yolox, classifier]"),
                    e.getMessage());
        }
    }
}
