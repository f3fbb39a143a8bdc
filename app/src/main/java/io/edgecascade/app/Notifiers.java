package io.edgecascade.app;

import io.edgecascade.app.cli.UserError;
import io.edgecascade.app.config.AppConfig;
import io.edgecascade.app.config.NotifyConfig;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.api.Tuner;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.notify.OutboxSink;
import io.edgecascade.cascade.notify.mqtt.MqttSink;
import io.edgecascade.cascade.notify.webhook.WebhookSink;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.Cascade;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sinks that tell other systems about events ({@code mqtt:}, {@code webhooks:}): made before the cascade (give it
 * {@link #sinks()} and {@link #observers()}), then {@link #attach}ed to it so MQTT commands reach its cameras. The
 * cascade owns the sinks from then on and closes them with the others.
 */
public final class Notifiers {

    /** Commands that arrive before the cascade is attached (the first connect) wait for it: answered 503. */
    private static final class LateTuner implements Tuner {
        private volatile Tuner target;

        @Override
        public Result tune(String camera, Map<String, Object> values) {
            Tuner t = target;
            return t == null ? new Result(503, "the cameras are not running yet") : t.tune(camera, values);
        }

        @Override
        public Map<String, Object> values(String camera) {
            Tuner t = target;
            return t == null ? Map.of() : t.values(camera);
        }
    }

    private final List<OutboxSink> sinks;
    private final List<PipelineObserver> observers;
    private final LateTuner tuner;

    private Notifiers(List<OutboxSink> sinks, List<PipelineObserver> observers, LateTuner tuner) {
        this.sinks = List.copyOf(sinks);
        this.observers = List.copyOf(observers);
        this.tuner = tuner;
    }

    /**
     * Opens each configured sink's outbox (what an earlier run left is sent first).
     *
     * @param metrics    the observers that count the sinks' messages (the metrics endpoint's)
     * @param bestFrames the cameras' best frames, shared with the page and the forwarder: the snapshots
     * @throws UserError naming the sink's folder or TLS file and the fix
     */
    public static Notifiers open(AppConfig config, List<PipelineObserver> metrics, String version,
            BestFrames bestFrames) {
        NotifyConfig n = config.sinks();
        PipelineObserver counts = PipelineObserver.of(metrics);
        LateTuner tuner = new LateTuner();
        List<OutboxSink> opened = new ArrayList<>();
        List<PipelineObserver> observers = new ArrayList<>();
        try {
            if (n.mqtt() != null) {
                Map<String, List<String>> cameras = new LinkedHashMap<>();
                for (CameraSettings c : config.cameras()) {
                    cameras.put(c.id(), c.detector().classes().stream().sorted().toList());
                }
                MqttSink mqtt = MqttSink.open(n.mqtt(), cameras, tuner, version, counts, bestFrames);
                opened.add(mqtt);
                observers.add(mqtt);
            }
            for (int i = 0; i < n.webhooks().size(); i++) {
                opened.add(WebhookSink.open(n.webhooks().get(i), "webhooks[" + i + "]", counts, bestFrames));
            }
        } catch (IOException | IllegalArgumentException e) {
            for (OutboxSink s : opened) {
                closeQuietly(s);
            }
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
        return new Notifiers(opened, observers, tuner);
    }

    /** None: a config without {@code mqtt:} or {@code webhooks:}. */
    public static Notifiers none() {
        return new Notifiers(List.of(), List.of(), new LateTuner());
    }

    /** The sinks, for the cascade (each gets its own queue, thread and delivery thread). */
    public List<FrameSink> sinks() {
        return List.copyOf(sinks);
    }

    /** The observers the MQTT sink reads motion, camera states and stats from, for the cascade. */
    public List<PipelineObserver> observers() {
        return observers;
    }

    /** Commands now reach the cascade's cameras, checked and applied as a tuning from the page (not saved). */
    public void attach(Cascade cascade) {
        tuner.target = new PageTuning(cascade, cascade.stats().cameraIds(), null);
    }

    /** Closes sinks the cascade never took (it failed to start). */
    public void closeUnused() {
        for (OutboxSink s : sinks) {
            closeQuietly(s);
        }
    }

    /** Whether a sink sends pictures (MQTT's snapshot topic, a webhook's {@code snapshot: true}). */
    public static boolean keepBestFrames(NotifyConfig n) {
        return n.mqtt() != null || n.webhooks().stream().anyMatch(w -> w.snapshot());
    }

    /** One line per sink for the log. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (OutboxSink s : sinks) {
            out.add(s.toString());
        }
        return out;
    }

    private static void closeQuietly(OutboxSink s) {
        try {
            s.close();
        } catch (Exception ignored) {
            // already failing; the first error is the one to report
        }
    }
}
