package io.edgecascade.cascade.motion;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Renders a camera's motion mask ({@code motion.mask}) onto the gate's small grey image: 255 where motion
 * counts, 0 inside any of the polygons. Rendered once per frame size; the gate then ANDs it into each frame's
 * change mask, so a masked area never opens the gate nor shows up as a motion region.
 */
public final class MotionMask {

    /** A pixel polygon of {@code motion.mask} does not fit the camera's frames: a config error, not a crash. */
    public static final class OutsideFrame extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public OutsideFrame(String message) {
            super(message);
        }
    }

    /**
     * What to do with a pixel polygon that does not fit the frames: throw {@link OutsideFrame} (a config error) or
     * leave the polygon out with a warning (a camera whose resolution changed).
     */
    @FunctionalInterface
    public interface Misfit {
        /** Throws {@link OutsideFrame}, or returns to leave the polygon out. */
        void outside(String problem, boolean firstSize);

        /** Every polygon must fit: a misfit is a config error. */
        Misfit STRICT = (problem, firstSize) -> {
            throw new OutsideFrame(problem);
        };
    }

    private MotionMask() {
    }

    /**
     * The mask for a {@code frameWidth x frameHeight} frame scaled to {@code width x height}.
     *
     * @throws OutsideFrame naming the polygon when a pixel polygon lies outside the frame
     */
    public static Mat render(List<Polygon> polygons, int frameWidth, int frameHeight, int width, int height) {
        return render(polygons, frameWidth, frameHeight, width, height, Misfit.STRICT, true);
    }

    /**
     * Like {@link #render(List, int, int, int, int)}, handing each pixel polygon outside the frame to {@code misfit},
     * which throws or lets the mask be made without it; {@code firstSize}: the camera's first frame size.
     */
    public static Mat render(List<Polygon> polygons, int frameWidth, int frameHeight, int width, int height,
            Misfit misfit, boolean firstSize) {
        List<Polygon> fitting = new ArrayList<>();
        for (int i = 0; i < polygons.size(); i++) {
            String problem = polygons.get(i).problemFor(frameWidth, frameHeight);
            if (problem == null) {
                fitting.add(polygons.get(i));
            } else {
                misfit.outside("motion.mask polygon " + (i + 1) + ": " + problem, firstSize);
            }
        }
        byte[] pixels = allowedPixels(fitting, frameWidth, frameHeight, width, height);
        Mat m = new Mat(height, width, CV_8UC1);
        try (BytePointer data = m.data()) {
            data.put(pixels);
        }
        return m;
    }

    /** Row-major 255/0 bytes: 0 where a pixel's centre lies inside a polygon. */
    static byte[] allowedPixels(List<Polygon> polygons, int frameWidth, int frameHeight, int width, int height) {
        List<Polygon> scaled = new ArrayList<>();
        for (int i = 0; i < polygons.size(); i++) {
            Polygon p = polygons.get(i);
            String problem = p.problemFor(frameWidth, frameHeight);
            if (problem != null) {
                throw new OutsideFrame("motion.mask polygon " + (i + 1) + ": " + problem);
            }
            scaled.add(p.fractions() ? p.inPixels(width, height)
                    : new Polygon(p.points().stream().map(q -> new Polygon.Point(q.x() * width / frameWidth,
                            q.y() * height / frameHeight)).toList()));
        }
        byte[] out = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean masked = false;
                for (Polygon p : scaled) {
                    if (p.contains(x + 0.5, y + 0.5)) {
                        masked = true;
                        break;
                    }
                }
                out[y * width + x] = masked ? 0 : (byte) 255;
            }
        }
        return out;
    }
}
