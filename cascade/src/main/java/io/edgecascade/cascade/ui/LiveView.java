package io.edgecascade.cascade.ui;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import io.edgecascade.cascade.api.MotionResult;
import io.edgecascade.cascade.motion.MotionGate;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.CaptureTap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The cameras' live views: a {@link CaptureTap} that, while someone watches, copies a camera's frame (scaled down
 * to the preview width) at most {@code preview_fps} times a second, and the gate's debug image likewise; the
 * watchers draw the overlay on the copy and encode it ({@link PreviewChannel}). With nobody watching it costs one
 * volatile read per frame and encodes nothing ({@link #encodes()} stays 0).
 */
public final class LiveView implements CaptureTap, AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LiveView.class);

    /** What the drawing needs of a copied frame. */
    record Captured(CameraSettings camera, long ptsMillis, List<MotionResult.Region> regions, int frameWidth,
            int frameHeight) {
    }

    /** A camera's two views. */
    static final class Feed {
        final PreviewChannel<Captured> annotated;
        final PreviewChannel<Captured> motion;

        Feed(int fps) {
            annotated = new PreviewChannel<>(fps);
            motion = new PreviewChannel<>(fps);
        }
    }

    /** Detections drawn on a frame are the camera's latest if they are at most this much older or newer. */
    static final long DETECTIONS_FRESH_MS = 1000;

    private final UiSettings settings;
    private final EventStore events;
    private final Map<String, Feed> feeds = new LinkedHashMap<>();
    private final AtomicLong encodes = new AtomicLong();
    private volatile boolean failed;

    public LiveView(UiSettings settings, List<String> cameraIds, EventStore events) {
        this.settings = settings;
        this.events = events;
        cameraIds.forEach(id -> feeds.put(id, new Feed(settings.previewFps())));
    }

    @Override
    public void frame(CameraSettings camera, java.util.function.Supplier<Mat> bgr, long ptsMillis,
            MotionGate.Decision decision, MotionGate gate) {
        Feed feed = feeds.get(camera.id());
        if (feed == null) {
            return;
        }
        try {
            copy(feed, camera, bgr, ptsMillis, decision, gate);
        } catch (RuntimeException e) {
            // the page must never stop a camera: a view that cannot be made is a missing picture, logged once
            if (!failed) {
                failed = true;
                LOG.warn("ui: camera {}: cannot copy a frame for the live view: {}", camera.id(), e.toString());
            }
        }
    }

    private void copy(Feed feed, CameraSettings camera, java.util.function.Supplier<Mat> frame, long ptsMillis,
            MotionGate.Decision decision, MotionGate gate) {
        long now = System.nanoTime();
        if (feed.annotated.wanted(now)) {
            Mat bgr = frame.get();
            int w = Math.min(settings.previewWidth(), bgr.cols());
            int h = Math.max(1, (int) Math.round(bgr.rows() * (double) w / bgr.cols()));
            Mat small = new Mat();
            try (Size size = new Size(w, h)) {
                resize(bgr, small, size, 0, 0, INTER_AREA);
            }
            feed.annotated.publish(small, new Captured(camera, ptsMillis, decision.motion().regions(), bgr.cols(),
                    bgr.rows()));
        }
        if (feed.motion.wanted(now)) {
            Mat bgr = frame.get();
            Mat debug = new Mat();
            if (gate.debugView(debug)) {
                feed.motion.publish(debug, new Captured(camera, ptsMillis, List.of(), bgr.cols(), bgr.rows()));
            } else {
                debug.close();
            }
        }
    }

    Feed feed(String camera) {
        return feeds.get(camera);
    }

    /** Draws the overlay on a copy and encodes it (on a watcher's thread). */
    byte[] encodeAnnotated(Mat image, Captured c) {
        double scale = image.cols() / (double) c.frameWidth();
        Overlay.mask(image, scale, c.camera().motion().mask(), c.frameWidth(), c.frameHeight());
        Overlay.motion(image, scale, c.regions());
        EventStore.Latest d = events.latest(c.camera().id());
        if (d != null && Math.abs(d.ptsMillis() - c.ptsMillis()) <= DETECTIONS_FRESH_MS) {
            Overlay.detections(image, scale, d.detections(), d.trackIds(), 2);
        }
        Overlay.drawings(image, scale, events.overlay(c.camera().id()), 2);
        encodes.incrementAndGet();
        return Jpeg.encode(image);
    }

    /** Encodes the gate's debug image as it is. */
    byte[] encodeMotion(Mat image, Captured c) {
        encodes.incrementAndGet();
        return Jpeg.encode(image);
    }

    /** Preview JPEGs encoded so far (live and debug views together). */
    public long encodes() {
        return encodes.get();
    }

    @Override
    public void close() {
        for (Feed f : feeds.values()) {
            f.annotated.close();
            f.motion.close();
        }
    }
}
