package io.edgecascade.cascade.notify;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.VideoFrame;
import java.time.Instant;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Frames carrying one event line each, as the tracker hands them to the sinks, for the sinks' tests. */
public final class NotifyTestFrames {

    public static final Instant T0 = Instant.parse("2026-12-03T20:34:31.413Z");

    private NotifyTestFrames() {
    }

    /** A small grey picture (the pixels a snapshot encodes). */
    public static Mat picture() {
        return new Mat(48, 64, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(90, 120, 150, 0));
    }

    /** The frame of one event line of track 1 ({@code person}, event {@code id}) at {@code ptsMs}; it is the best. */
    public static PositiveFrame line(String camera, String id, TrackEvent.Type type, long ptsMs, float score,
            List<String> zones) {
        float[] box = {100, 50, 160, 200};
        TrackEvent e = new TrackEvent(id, type, camera, ptsMs / 100, ptsMs, T0.plusMillis(ptsMs), "person", 1, score,
                box, zones, 1000, ptsMs, ptsMs / 100, type == TrackEvent.Type.END ? TrackEvent.EndReason.LOST : null);
        Detection d = new Detection("person", 0, score, box[0], box[1], box[2], box[3]);
        VideoFrame f = new VideoFrame(camera, ptsMs / 100, ptsMs, T0.plusMillis(ptsMs), picture());
        return new PositiveFrame(f, null, List.of(d), new FrameTracks(List.of(1L), List.of(e), List.of(1L), List.of()));
    }

    public static PositiveFrame start(String camera, String id, long ptsMs) {
        return line(camera, id, TrackEvent.Type.START, ptsMs, 0.8f, List.of());
    }

    public static PositiveFrame end(String camera, String id, long ptsMs) {
        return line(camera, id, TrackEvent.Type.END, ptsMs, 0.9f, List.of("door"));
    }
}
