package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.motion.Zone;
import io.edgecascade.cascade.source.StreamOptions;
import io.edgecascade.cascade.tracking.TrackingSettings;
import java.util.List;
import java.util.Objects;

/**
 * One camera of the config, defaults already merged in.
 *
 * @param id       unique name, used in events, logs and metrics
 * @param source   file path or stream URL (see {@link io.edgecascade.cascade.source.SourceUri})
 * @param realtime for files: true = read at the file's frame rate like a live camera, false = as fast as
 *                 possible without dropping frames
 * @param tracking tracker and event settings
 * @param zones    named areas of the picture; an object's zones are part of its events
 * @param stream   how a live camera is opened and reconnected ({@code rtsp_transport}, {@code input_options},
 *                 {@code stall_seconds}, {@code reconnect}), and {@code loop} for files
 * @param sampling which decoded frames reach the motion gate at all
 * @param analytics which models run on the gated frames and when, the filters, stationary objects, required zones and
 *                 use cases
 */
public record CameraSettings(String id, String source, boolean realtime, MotionSettings motion,
        DetectorSettings detector, TrackingSettings tracking, List<Zone> zones, StreamOptions stream,
        SamplingSettings sampling, CameraAnalytics analytics) {
    public CameraSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(motion, "motion");
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(tracking, "tracking");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(analytics, "analytics");
        zones = List.copyOf(zones);
    }

    /** A camera with one model on every gated frame ({@link CameraAnalytics#DEFAULT}). */
    public CameraSettings(String id, String source, boolean realtime, MotionSettings motion,
            DetectorSettings detector, TrackingSettings tracking, List<Zone> zones, StreamOptions stream,
            SamplingSettings sampling) {
        this(id, source, realtime, motion, detector, tracking, zones, stream, sampling, CameraAnalytics.DEFAULT);
    }

    /** The same camera with other analytics (detect entries, filters, use cases). */
    public CameraSettings withAnalytics(CameraAnalytics a) {
        return new CameraSettings(id, source, realtime, motion, detector, tracking, zones, stream, sampling, a);
    }

    /** A camera with the default stream options and no sampling. */
    public CameraSettings(String id, String source, boolean realtime, MotionSettings motion,
            DetectorSettings detector, TrackingSettings tracking, List<Zone> zones) {
        this(id, source, realtime, motion, detector, tracking, zones, StreamOptions.DEFAULTS, SamplingSettings.OFF);
    }

    /**
     * The same camera with other tunable values: the values the web page and a config reload change without a
     * restart ({@code motion.threshold}, {@code motion.min_area}, {@code detector.confidence}).
     */
    public CameraSettings withTunables(int threshold, double minArea, float confidence) {
        MotionSettings m = motion;
        DetectorSettings d = detector;
        return new CameraSettings(id, source, realtime, new MotionSettings(m.enabled(), threshold, minArea,
                m.cooldownFrames(), m.minIntervalMs(), m.frameHeight(), m.backgroundAlpha(), m.recalibrateArea(),
                m.mask()), new DetectorSettings(confidence, d.nmsIou(), d.classes(), d.regions(), d.enabled()), tracking,
                zones, stream, sampling, analytics);
    }

    /** The same camera with detection switched on or off (an MQTT command; not a config key). */
    public CameraSettings withDetect(boolean on) {
        return new CameraSettings(id, source, realtime, motion, detector.withEnabled(on), tracking, zones, stream,
                sampling, analytics);
    }

    /** A camera with the default tracking and no zones. */
    public CameraSettings(String id, String source, boolean realtime, MotionSettings motion,
            DetectorSettings detector) {
        this(id, source, realtime, motion, detector, TrackingSettings.DEFAULTS, List.of());
    }
}
