package io.edgecascade.cascade.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.VideoFrame;
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

    /** What the forwarder received: frame index and the first pixel (to prove the pixels are the kept copy's). */
    private record Sent(long frame, double pixel) {
    }

    private static final class Recorder implements FrameSink {
        final List<Sent> sent = new ArrayList<>();
        boolean closed;
        boolean fail;

        @Override
        public void accept(PositiveFrame p) throws Exception {
            if (fail) {
                throw new java.io.IOException("cloud down");
            }
            try (var m = p.frame().image().row(0)) {
                sent.add(new Sent(p.frame().sequence(), m.ptr(0).get(0) & 0xff));
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Runs frames through tracking and the selection, closing each frame afterwards like the output stage. */
    private static void feed(ObjectEvents events, FrameSink sink, long seq, float score) throws Exception {
        List<Detection> d = score < 0 ? List.of() : List.of(new Detection("person", 0, score, 100, 100, 150, 300));
        try (VideoFrame f = new VideoFrame("cam", seq, seq * 100, Instant.now(),
                new Mat(400, 800, opencv_core.CV_8UC3, new Scalar(seq, seq, seq, 0)))) {
            sink.accept(new PositiveFrame(f, null, d, events.onFrame(f, d)));
        }
    }

    @Test
    void theBestFrameGoesUpAtTheStartAndABetterOneAtTheEnd() throws Exception {
        ObjectEvents events = new ObjectEvents("cam", new TrackingSettings(2, 1.0, 1000, 0.1, 5000), List.of());
        Recorder cloud = new Recorder();
        EventForwarding uplink = new EventForwarding(cloud, EventForwarding.Mode.EVENTS);
        feed(events, uplink, 1, 0.7f);
        feed(events, uplink, 2, 0.6f); // start: the best so far is frame 1
        assertEquals(List.of(new Sent(1, 1)), cloud.sent, "frame 1's pixels, kept after the frame was freed");
        feed(events, uplink, 3, 0.9f);
        feed(events, uplink, 4, 0.8f);
        feed(events, uplink, 20, -1); // unseen 1.6 s: the end
        assertEquals(List.of(new Sent(1, 1), new Sent(3, 3)), cloud.sent);
        assertEquals(Map.of("cam", 2L), uplink.framesForwarded());
        uplink.close();
        assertTrue(cloud.closed);
    }

    @Test
    void anEventWhoseBestFrameWasSentAtItsStartSendsNothingMoreAndPositivesModeSendsEveryPositive()
            throws Exception {
        ObjectEvents events = new ObjectEvents("cam", new TrackingSettings(2, 1.0, 1000, 0.1, 5000), List.of());
        Recorder cloud = new Recorder();
        EventForwarding uplink = new EventForwarding(cloud, EventForwarding.Mode.EVENTS);
        feed(events, uplink, 1, 0.9f);
        feed(events, uplink, 2, 0.6f);
        feed(events, uplink, 30, -1);
        assertEquals(List.of(new Sent(1, 1)), cloud.sent);

        ObjectEvents events2 = new ObjectEvents("cam", TrackingSettings.DEFAULTS, List.of());
        Recorder all = new Recorder();
        EventForwarding positives = new EventForwarding(all, EventForwarding.Mode.POSITIVES);
        feed(events2, positives, 1, 0.5f);
        feed(events2, positives, 2, -1);
        feed(events2, positives, 3, 0.5f);
        assertEquals(List.of(1L, 3L), all.sent.stream().map(Sent::frame).toList());
    }

    @Test
    void aFailingForwarderLosesOnlyItsFrameAndFreesTheCopies() throws Exception {
        ObjectEvents events = new ObjectEvents("cam", new TrackingSettings(2, 1.0, 1000, 0.1, 5000), List.of());
        Recorder cloud = new Recorder();
        cloud.fail = true;
        EventForwarding uplink = new EventForwarding(cloud, EventForwarding.Mode.EVENTS);
        feed(events, uplink, 1, 0.7f);
        try {
            feed(events, uplink, 2, 0.6f);
        } catch (java.io.IOException expected) {
            // the output stage logs it; the selection goes on
        }
        cloud.fail = false;
        feed(events, uplink, 3, 0.9f);
        feed(events, uplink, 30, -1);
        assertEquals(List.of(new Sent(3, 3)), cloud.sent, "the better frame still goes up at the end");
        uplink.close();
    }
}
