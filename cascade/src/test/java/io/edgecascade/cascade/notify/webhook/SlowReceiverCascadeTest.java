package io.edgecascade.cascade.notify.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.notify.Delivering;
import io.edgecascade.cascade.notify.DeliverySettings;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.CascadeOptions;
import io.edgecascade.cascade.pipeline.DetectorSettings;
import io.edgecascade.cascade.pipeline.ScriptedDetector;
import io.edgecascade.cascade.pipeline.SourceFactory;
import io.edgecascade.cascade.testing.Conditions;
import io.edgecascade.cascade.testing.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook receiver that hangs on every request, inside a real cascade (an 8 s clip, every frame a person): the run
 * ends as it would without the webhook, the other sink gets every frame and every event line, nothing is skipped for
 * the webhook, and what the receiver never took waits in the outbox and goes once it answers.
 */
class SlowReceiverCascadeTest {

    @TempDir
    Path dir;

    /** Every frame and event line it gets. */
    private static final class Counting implements FrameSink {
        final AtomicLong frames = new AtomicLong();
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void accept(PositiveFrame p) {
            frames.incrementAndGet();
            for (TrackEvent e : p.tracks().events()) {
                lines.add(e.type().name());
            }
        }
    }

    @Test
    @Timeout(300)
    void aHangingReceiverHoldsNeitherTheCascadeNorTheOtherSinks() throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 8);
        CameraSettings camera = new CameraSettings("lobby", clip.toString(), false,
                MotionSettings.DEFAULTS.withEnabled(false), new DetectorSettings(0.4f, 0.45f, Set.of("person")));
        DeliverySettings d = DeliverySettings.defaults(dir.resolve("outbox"));
        d = new DeliverySettings(d.filter(), d.outbox(), 0, Duration.ofMillis(20), Duration.ofMillis(200));
        Delivering.Counts counts = new Delivering.Counts();
        AtomicLong webhookSkipped = new AtomicLong();
        PipelineObserver skipped = new PipelineObserver() {
            @Override
            public void sinkDropped(String cam, String sink) {
                webhookSkipped.incrementAndGet();
            }
        };
        Counting other = new Counting();
        List<String> types;
        try (WebhookReceiver receiver = WebhookReceiver.start(n -> WebhookReceiver.HANG)) {
            WebhookSettings s = new WebhookSettings("slow", receiver.url("/hook"), Map.of(), null, true,
                    Duration.ofMillis(300), d);
            WebhookSink webhook = WebhookSink.open(s, "webhooks[0]", counts,
                    new BestFrames(BestFrames.Settings.DEFAULTS, 80));
            try (Cascade cascade = new Cascade(List.of(camera), SourceFactory.ffmpeg(),
                    List.of(new ScriptedDetector(n -> ScriptedDetector.PERSON)), List.of(webhook, other),
                    CascadeOptions.DEFAULTS, List.of(skipped))) {
                cascade.start();
                assertTrue(cascade.awaitCompletion(240_000), "the run ends with the receiver still hanging");
                assertNull(cascade.failure());
                long positive = cascade.summary().cameras().get("lobby").positive();
                // every positive frame, and the one that carries the ends at the end of the stream
                assertTrue(other.frames.get() == positive || other.frames.get() == positive + 1,
                        other.frames.get() + " frames for " + positive + " positive ones");
            }
            assertTrue(other.lines.contains("START") && other.lines.contains("END"), other.lines.toString());
            assertEquals(0, webhookSkipped.get(), "no frame skipped for any sink");
            assertEquals(0, counts.of("sent"), "the receiver took nothing: " + counts);
            long queued = counts.of("queued");
            assertEquals(other.lines.size(), queued, "one message per event line, all in the outbox");
            assertTrue(receiver.requests().size() >= 1, "it was tried");
            types = other.lines.stream().map(t -> t.equals("START") ? "new" : t.equals("END") ? "end" : "update")
                    .toList();
            // the receiver answers again: the next start sends what waited, in order
            receiver.answer(n -> 200);
            receiver.release();
            int tried = receiver.requests().size();
            Delivering.Counts after = new Delivering.Counts();
            try (Delivering<WebhookSink> again = Delivering.start(WebhookSink.open(s, "webhooks[0]", after,
                    new BestFrames(BestFrames.Settings.DEFAULTS, 80)))) {
                Conditions.waitFor("the outbox sent: " + after, () -> after.of("sent") == queued);
            }
            List<WebhookReceiver.Request> all = receiver.requests();
            List<String> got = all.subList(tried, all.size()).stream()
                    .map(r -> r.header(WebhookTransport.MESSAGE_HEADER).split("/")[1]).toList();
            assertEquals(types, got, "every message, in order");
        }
    }
}
