package io.edgecascade.cascade.motion;

import io.edgecascade.cascade.api.MotionResult;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Measures how much of a frame moved compared with the scene's recent past. One implementation per
 * algorithm; the {@link MotionGate} turns the measurement into a decision. Not thread-safe: it keeps the
 * background of one camera.
 */
public interface MotionDetector extends AutoCloseable {

    /** Measures motion in a BGR frame and updates the background. */
    MotionResult detect(Mat bgr);

    /**
     * Measures motion in a BGR frame or in a luma plane (one channel; {@code limitedRange}: video levels 16..235).
     * By default only BGR is understood.
     */
    default MotionResult detect(Mat image, boolean limitedRange) {
        if (image.channels() != 3) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " needs BGR frames");
        }
        return detect(image);
    }

    /** Uses new per-frame settings (threshold, min_area) from the next frame on; the background stays. */
    default void retune(MotionSettings settings) {
    }

    /** Draws the last frame's grey image with its changed pixels into {@code out} (BGR); false if it cannot. */
    default boolean debugView(Mat out) {
        return false;
    }

    @Override
    void close();
}
