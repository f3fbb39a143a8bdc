package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.detect.DetectionResult;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.engines.EngineInfo;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/** A detector that finds nothing and takes {@code millis} per frame: a slow engine, for pipeline tests. */
public class SlowDetector implements ObjectDetector {

    private final long millis;

    public SlowDetector(long millis) {
        this.millis = millis;
    }

    @Override
    public DetectionResult detect(Mat bgr, float minScore, float nmsIou) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new DetectionResult(List.of(), 0, millis * 1_000_000, 0);
    }

    @Override
    public List<String> labels() {
        return List.of("person");
    }

    @Override
    public EngineInfo engine() {
        return new EngineInfo("slow-test", "cpu", "fp32", "none");
    }

    @Override
    public void close() {
    }
}
