package io.edgecascade.cascade.ui;

import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.arrowedLine;
import static org.bytedeco.opencv.global.opencv_imgproc.line;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.Drawing;
import io.edgecascade.cascade.api.MotionResult;
import io.edgecascade.cascade.motion.Polygon;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Draws what the cascade knows onto a copy of a frame (never the detector's): detections with their track ids
 * (green), the gate's motion regions (yellow), the motion mask's outlines (blue) and what the use cases draw (their
 * own colours). Coordinates are frame pixels scaled by {@code scale} to the copy.
 */
final class Overlay {

    /** BGR colours; the detection green is what the page's tests look for. */
    static final double[] DETECTION = {0, 255, 0};
    static final double[] MOTION = {0, 255, 255};
    static final double[] MASK = {255, 0, 0};

    private Overlay() {
    }

    static void detections(Mat image, double scale, List<Detection> detections, List<Long> trackIds, int thickness) {
        for (int i = 0; i < detections.size(); i++) {
            Detection d = detections.get(i);
            int x1 = (int) Math.round(d.x1() * scale);
            int y1 = (int) Math.round(d.y1() * scale);
            box(image, x1, y1, (int) Math.round(d.x2() * scale), (int) Math.round(d.y2() * scale), DETECTION,
                    thickness);
            String label = (i < trackIds.size() ? "#" + trackIds.get(i) + " " : "") + d.label()
                    + String.format(Locale.ROOT, " %.2f", d.score());
            try (Point at = new Point(x1 + 2, Math.max(12, y1 - 4)); Scalar c = colour(DETECTION)) {
                putText(image, label, at, FONT_HERSHEY_SIMPLEX, 0.45 * Math.max(1, thickness / 2.0), c,
                        Math.max(1, thickness / 2), LINE_AA, false);
            }
        }
    }

    static void box(Mat image, float[] xyxy, double scale, int thickness) {
        box(image, (int) Math.round(xyxy[0] * scale), (int) Math.round(xyxy[1] * scale),
                (int) Math.round(xyxy[2] * scale), (int) Math.round(xyxy[3] * scale), DETECTION, thickness);
    }

    static void motion(Mat image, double scale, List<MotionResult.Region> regions) {
        for (MotionResult.Region r : regions) {
            box(image, (int) Math.round(r.x() * scale), (int) Math.round(r.y() * scale),
                    (int) Math.round((r.x() + r.width()) * scale), (int) Math.round((r.y() + r.height()) * scale),
                    MOTION, 1);
        }
    }

    /** Outlines of mask polygons of a {@code frameWidth x frameHeight} camera. */
    static void mask(Mat image, double scale, List<Polygon> polygons, int frameWidth, int frameHeight) {
        try (Scalar c = colour(MASK)) {
            for (Polygon p : polygons) {
                List<Polygon.Point> pts = (p.fractions() ? p.inPixels(frameWidth, frameHeight) : p).points();
                for (int i = 0; i < pts.size(); i++) {
                    Polygon.Point a = pts.get(i);
                    Polygon.Point b = pts.get((i + 1) % pts.size());
                    try (Point pa = new Point((int) Math.round(a.x() * scale), (int) Math.round(a.y() * scale));
                            Point pb = new Point((int) Math.round(b.x() * scale), (int) Math.round(b.y() * scale))) {
                        line(image, pa, pb, c, 1, LINE_AA, 0);
                    }
                }
            }
        }
    }

    /** The use cases' drawings (lines, polygons, arrows, texts in frame pixels). */
    static void drawings(Mat image, double scale, List<Drawing> drawings, int thickness) {
        for (Drawing d : drawings) {
            double[] xy = d.xy();
            int r = (d.rgb() >> 16) & 0xFF;
            int g = (d.rgb() >> 8) & 0xFF;
            int b = d.rgb() & 0xFF;
            try (Scalar c = new Scalar(b, g, r, 0)) {
                switch (d.kind()) {
                    case TEXT -> {
                        try (Point at = point(xy, 0, scale)) {
                            putText(image, d.text(), at, FONT_HERSHEY_SIMPLEX, 0.45 * Math.max(1, thickness / 2.0), c,
                                    Math.max(1, thickness / 2), LINE_AA, false);
                        }
                    }
                    case ARROW -> {
                        try (Point from = point(xy, 0, scale); Point to = point(xy, 2, scale)) {
                            arrowedLine(image, from, to, c, thickness, LINE_AA, 0, 0.3);
                        }
                    }
                    default -> {
                        int n = xy.length / 2;
                        int segments = d.kind() == Drawing.Kind.POLYGON ? n : n - 1;
                        for (int i = 0; i < segments; i++) {
                            try (Point pa = point(xy, 2 * i, scale); Point pb = point(xy, 2 * ((i + 1) % n), scale)) {
                                line(image, pa, pb, c, thickness, LINE_AA, 0);
                            }
                        }
                    }
                }
            }
        }
    }

    private static Point point(double[] xy, int i, double scale) {
        return new Point((int) Math.round(xy[i] * scale), (int) Math.round(xy[i + 1] * scale));
    }

    private static void box(Mat image, int x1, int y1, int x2, int y2, double[] bgr, int thickness) {
        try (Point a = new Point(x1, y1); Point b = new Point(x2, y2); Scalar c = colour(bgr)) {
            rectangle(image, a, b, c, thickness, LINE_AA, 0);
        }
    }

    private static Scalar colour(double[] bgr) {
        return new Scalar(bgr[0], bgr[1], bgr[2], 0);
    }
}
