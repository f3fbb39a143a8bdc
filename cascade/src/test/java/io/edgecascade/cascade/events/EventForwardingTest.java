package io.edgecascade.cascade.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.bestframe.JpegCodec;
import io.edgecascade.cascade.forward.Upload;
import io.edgecascade.cascade.tracking.ObjectEvents;
import io.edgecascade.cascade.tracking.TrackingSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class EventForwardingTest {

    /** What the uplink received: frame index, its grey level (the pixels are that frame's), the events it names. */
    private record Sent(long frame, int grey, List<String> events) {
    }

    private static final class Recorder implements Uplink {
        final List<Sent> sent = new ArrayList<>();
        final List<Upload> uploads = new ArrayList<>();
        boolean closed;
        boolean fail;

        @Override
        public void upload(Upload u) throws Exception {
            if (fail) {
                throw new java.io.IOException("cloud down");
            }
            try (Mat m = JpegCodec.decode(u.jpeg())) {
                sent.add(new Sent(u.sequence(), m.ptr(0, 0).get(0) & 0xff, u.eventIds()));
            }
            uploads.add(u);
        }

        @Override
        public void close() {
            closed = true;
        }

        List<Long> frames() {
            return sent.stream().map(Sent::frame).toList();
        }
    }

    private static final TrackingSettings TWO_HITS = new TrackingSettings(2, 1.0, 1000, 0.1, 5000);

    private static BestFrames frames() {
        return new BestFrames(BestFrames.Settings.DEFAULTS, 95);
    }

    /** One person at x 100..150 scoring {@code score} (none when negative). */
    private static void feed(ObjectEvents events, FrameSink sink, long seq, float score) throws Exception {
        feed(events, sink, seq, score < 0 ? new float[0] : new float[] {score});
    }

    /**
     * Runs a frame of grey level {@code seq * 10} with one person per score (the i-th at x 100 + 300 i) through
     * tracking and the sink, closing the frame afterwards like the output stage.
     */
    private static void feed(ObjectEvents events, FrameSink sink, long seq, float... scores) throws Exception {
        List<Detection> d = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            d.add(new Detection("person", 0, scores[i], 100 + 300 * i, 100, 150 + 300 * i, 300));
        }
        int grey = (int) (seq * 10 % 250);
        try (VideoFrame f = new VideoFrame("cam", seq, seq * 100, Instant.ofEpochMilli(1_000_000 + seq),
                new Mat(400, 800, opencv_core.CV_8UC3, new Scalar(grey, grey, grey, 0)))) {
            sink.accept(new PositiveFrame(f, null, d, events.onFrame(f, d)));
        }
    }

    @Test
    void theBestFrameGoesUpAtTheStartAndABetterOneAtTheEnd() throws Exception {
        ObjectEvents events = new ObjectEvents("cam", TWO_HITS, List.of());
        Recorder cloud = new Recorder();
        EventForwarding uplink = new EventForwarding(cloud, EventForwarding.Mode.EVENTS, frames());
        feed(events, uplink, 1, 0.7f);
        feed(events, uplink, 2, 0.6f); // start: the best so far is frame 1
        assertEquals(List.of(1L), cloud.frames());
        assertEquals(10, cloud.sent.get(0).grey(), 2, "frame 1's pixels, kept (encoded) after the frame was freed");
        feed(events, uplink, 3, 0.9f);
        feed(events, uplink, 4, 0.8f);
        feed(events, uplink, 20, -1); // unseen 1.6 s: the end
        assertEquals(List.of(1L, 3L), cloud.frames());
        assertEquals(30, cloud.sent.get(1).grey(), 2);
        String event = cloud.sent.get(0).events().get(0);
        assertEquals(List.of(event), cloud.sent.get(1).events(), "both uploads name the event");
        assertEquals(Map.of("cam", 2L), uplink.framesForwarded());
        uplink.close();
        assertTrue(cloud.closed);
    }

    /** Failed before: the frame went up once per track starting on it, twice with the same request id. */
    @Test
    void twoTracksStartingOnOneFrameMakeOneUploadNamingBothEvents() throws Exception {
        ObjectEvents events = new ObjectEvents("cam", TWO_HITS, List.of());
        Recorder cloud = new Recorder();
        EventForwarding uplink = new EventForwarding(cloud, EventForwarding.Mode.EVENTS, frames());
        feed(events, uplink, 1, 0.7f, 0.65f);
        feed(events, uplink, 2, 0.6f, 0.6f); // both start; frame 1 is the best of both
        assertEquals(List.of(1L), cloud.frames(), "one frame, one upload");
        Upload u = cloud.uploads.get(0);
        assertEquals(2, u.eventIds().size(), "it stands for both events: " + u.eventIds());
        assertEquals(2, u.trackIds().stream().distinct().count(), "with the track of each detection");
        feed(events, uplink, 30, -1); // both end with nothing better: nothing more
        assertEquals(List.of(1L), cloud.frames());
        assertEquals(1, cloud.uploads.stream().map(Upload::id).distinct().count());
    }

    @Test
    void aFrameAlreadyUpIsNotSentAgainForAnotherEvent() throws Exception {
        ObjectEvents events = new ObjectEvents("cam", TWO_HITS, List.of());
        Recorder cloud = new Recorder();
        EventForwarding uplink = new EventForwarding(cloud, EventForwarding.Mode.EVENTS, frames());
        feed(events, uplink, 1, 0.6f); // A
        feed(events, uplink, 2, 0.7f, 0.9f); // A starts, best frame 2; B is first seen, at its best
        assertEquals(List.of(2L), cloud.frames());
        feed(events, uplink, 3, 0.6f, 0.5f); // B starts: its best frame 2 is up already (A's upload shows B)
        assertEquals(List.of(2L), cloud.frames());
        assertEquals(2, cloud.uploads.get(0).trackIds().stream().distinct().count());
        feed(events, uplink, 40, -1); // both end with nothing better
        assertEquals(List.of(2L), cloud.frames(), "frame 2 went up once");
    }

    @Test
    void positivesModeSendsEveryPositiveOnceWithItsEvents() throws Exception {
        ObjectEvents events = new ObjectEvents("cam", TrackingSettings.DEFAULTS, List.of());
        Recorder all = new Recorder();
        EventForwarding positives = new EventForwarding(all, EventForwarding.Mode.POSITIVES, frames());
        feed(events, positives, 1, 0.5f);
        feed(events, positives, 2, -1);
        feed(events, positives, 3, 0.8f, 0.5f); // the first starts at once (confirm_score 0.7)
        assertEquals(List.of(1L, 3L), all.frames());
        assertEquals(30, all.sent.get(1).grey(), 2);
        assertEquals(1, all.sent.get(1).events().size(), "the event that started on frame 3");
    }

    @Test
    void aFailingUplinkLosesOnlyItsFrameAndTheBetterFrameStillGoesUpAtTheEnd() throws Exception {
        ObjectEvents events = new ObjectEvents("cam", TWO_HITS, List.of());
        Recorder cloud = new Recorder();
        cloud.fail = true;
        EventForwarding uplink = new EventForwarding(cloud, EventForwarding.Mode.EVENTS, frames());
        feed(events, uplink, 1, 0.7f);
        assertThrows(java.io.IOException.class, () -> feed(events, uplink, 2, 0.6f));
        cloud.fail = false;
        feed(events, uplink, 3, 0.9f);
        feed(events, uplink, 30, -1);
        assertEquals(List.of(3L), cloud.frames(), "the better frame still goes up at the end");
        uplink.close();
    }
}
