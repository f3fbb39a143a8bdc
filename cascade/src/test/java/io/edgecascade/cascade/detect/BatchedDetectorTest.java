package io.edgecascade.cascade.detect;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.quantize.BatchRewrite;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.OnnxRuntimeCpuEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * YOLOX on the model rewritten to a batch of 4 ({@code pipeline.batch: 4}): each image of a batch, full or partial
 * (padded), gets the detections the batch-1 model gives it alone; regions join the batch the same way.
 */
class BatchedDetectorTest {

    private static final String[] IMAGES = {"000000000139.jpg", "000000000285.jpg", "000000000632.jpg",
        "000000000724.jpg", "000000000776.jpg"};

    @TempDir
    static Path cache;
    private static ObjectDetector single;
    private static ObjectDetector batched;
    private static final List<Mat> pictures = new ArrayList<>();

    @BeforeAll
    static void open() throws Exception {
        List<String> labels = Labels.read(TestAssets.labels());
        single = ModelTypes.detector("yolox", OnnxRuntimeCpuEngine.open(new EngineOptions(TestAssets.model(), 1)),
                labels);
        Path four = BatchRewrite.file(TestAssets.model(), 4, cache);
        batched = ModelTypes.detector("yolox", OnnxRuntimeCpuEngine.open(new EngineOptions(four, 1)), labels);
        for (String name : IMAGES) {
            pictures.add(imread(TestAssets.cocoImage(name).toString()));
        }
    }

    @AfterAll
    static void close() {
        single.close();
        batched.close();
        pictures.forEach(Mat::close);
    }

    @Test
    void theBatchedFileIsWrittenOnceAndReused() throws Exception {
        Path four = BatchRewrite.file(TestAssets.model(), 4, cache);
        assertTrue(four.startsWith(cache.resolve("batched")), four.toString());
        assertTrue(four.getFileName().toString().startsWith("yolox_nano.batch4-"), four.toString());
        long written = Files.getLastModifiedTime(four).toMillis();
        assertEquals(four, BatchRewrite.file(TestAssets.model(), 4, cache));
        assertEquals(written, Files.getLastModifiedTime(four).toMillis(), "reused, not written again");
        assertEquals(TestAssets.model(), BatchRewrite.file(TestAssets.model(), 1, cache), "batch 1: the model itself");
        assertNotEquals(four, BatchRewrite.file(TestAssets.model(), 2, cache));
        assertEquals(1, single.batch());
        assertEquals(4, batched.batch());
    }

    @Test
    void aFullBatchFindsWhatEachImageAloneFinds() throws Exception {
        check(pictures.subList(0, 4));
    }

    @Test
    void partialBatchesArePaddedAndFindTheSame() throws Exception {
        check(pictures.subList(0, 4)); // fills every slot, so the padding below holds other images
        check(pictures.subList(4, 5));
        check(List.of(pictures.get(1), pictures.get(4), pictures.get(0)));
        assertEquals(expected(pictures.get(2)).size(), batched.detect(pictures.get(2), 0.3f, 0.45f).detections()
                .size(), "detect() alone is a batch of one");
    }

    @Test
    void aBatchLargerThanTheModelsIsRefused() {
        List<DetectRequest> five = new ArrayList<>();
        pictures.forEach(p -> five.add(new DetectRequest(p, 0.3f, 0.45f)));
        assertThrows(IllegalArgumentException.class, () -> batched.detectBatch(five));
    }

    @Test
    void regionsOfALargeFrameRunInBatchesAndFindTheSame() throws Exception {
        try (Mat large = new Mat(); Size size = new Size(1920, 1280)) {
            resize(pictures.get(0), large, size);
            // five regions: four run as one batch, the fifth as a padded one
            List<float[]> boxes = List.of(new float[] {100, 100, 200, 300}, new float[] {700, 100, 800, 300},
                    new float[] {1300, 100, 1400, 300}, new float[] {300, 800, 400, 1000},
                    new float[] {1200, 800, 1300, 1000});
            DetectionResult alone = RegionDetector.detect(single, large, RegionMode.ALWAYS, boxes, 0.3f, 0.45f);
            DetectionResult together = RegionDetector.detect(batched, large, RegionMode.ALWAYS, boxes, 0.3f, 0.45f);
            assertFalse(alone.detections().isEmpty(), "the regions see something");
            same(alone.detections(), together.detections());
        }
    }

    private static List<Detection> expected(Mat image) throws Exception {
        return single.detect(image, 0.3f, 0.45f).detections();
    }

    private static void check(List<Mat> images) throws Exception {
        List<DetectRequest> requests = new ArrayList<>();
        images.forEach(m -> requests.add(new DetectRequest(m, 0.3f, 0.45f)));
        List<DetectionResult> results = batched.detectBatch(requests);
        assertEquals(images.size(), results.size());
        int found = 0;
        for (int i = 0; i < images.size(); i++) {
            List<Detection> want = expected(images.get(i));
            found += want.size();
            same(want, results.get(i).detections());
        }
        assertTrue(found > 0, "the images hold objects");
    }

    /** Same objects in the same order, boxes within a tenth of a pixel, scores within 1e-3. */
    static void same(List<Detection> want, List<Detection> got) {
        assertEquals(want.size(), got.size(), () -> want + " vs " + got);
        for (int i = 0; i < want.size(); i++) {
            Detection a = want.get(i);
            Detection b = got.get(i);
            assertEquals(a.label(), b.label());
            assertEquals(a.score(), b.score(), 1e-3f);
            assertEquals(a.x1(), b.x1(), 0.1f);
            assertEquals(a.y1(), b.y1(), 0.1f);
            assertEquals(a.x2(), b.x2(), 0.1f);
            assertEquals(a.y2(), b.y2(), 0.1f);
        }
    }
}
