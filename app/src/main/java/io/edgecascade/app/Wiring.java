package io.edgecascade.app;

import io.edgecascade.app.cli.UserError;
import io.edgecascade.app.config.AppConfig;
import io.edgecascade.cascade.detect.Labels;
import io.edgecascade.cascade.detect.ModelTypes;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cloud.CloudServer;
import io.edgecascade.cascade.events.EventForwarding;
import io.edgecascade.cascade.events.EventLog;
import io.edgecascade.cascade.forward.CloudSettings;
import io.edgecascade.cascade.forward.ForwardListener;
import io.edgecascade.cascade.forward.ForwardStats;
import io.edgecascade.cascade.forward.Forwarder;
import io.edgecascade.cascade.metrics.ForwardMetrics;
import io.edgecascade.cascade.metrics.ForwardResult;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.FrameSink;
import io.edgecascade.cascade.pipeline.PipelineObserver;
import io.edgecascade.cascade.pipeline.RunSummary;
import io.edgecascade.cascade.pipeline.SourceFactory;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.EngineRegistry;
import io.edgecascade.engines.InferenceEngine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the cascade a config describes: engine, detector, event log, cameras. */
public final class Wiring {

    private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);

    private Wiring() {
    }

    /** Opens the model on the configured engine and wraps it in the detector of its type. */
    public static ObjectDetector detector(AppConfig config, EngineRegistry engines) {
        List<String> labels;
        try {
            labels = Labels.read(config.model().labels());
        } catch (IOException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
        InferenceEngine engine;
        try {
            AppConfig.EngineSettings es = config.engineSettings();
            engine = engines.open(config.engine(), new EngineOptions(config.model().path(), config.threads(),
                    es.device(), es.fp16(), es.int8(), es.cacheDir()));
        } catch (EngineException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
        try {
            ObjectDetector detector = ModelTypes.detector(config.model().type(), engine, labels);
            LOG.info("detector: {} model {} on {}", config.model().type(), config.model().path(), engine.info());
            return detector;
        } catch (EngineException e) {
            engine.close();
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
    }

    /** The whole cascade, not yet started; it owns the detector and sinks it is given. */
    public static Cascade cascade(AppConfig config, EngineRegistry engines, List<FrameSink> extraSinks,
            List<PipelineObserver> observers) {
        EventLog events;
        try {
            events = EventLog.open(config.events(), config.frameLines());
        } catch (IOException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
        ObjectDetector detector;
        try {
            detector = detector(config, engines);
        } catch (UserError e) {
            closeQuietly(events);
            throw e;
        }
        List<FrameSink> sinks = new ArrayList<>();
        sinks.add(events);
        sinks.addAll(extraSinks);
        return new Cascade(config.cameras(), SourceFactory.ffmpeg(), List.of(detector), sinks, config.pipeline(),
                observers);
    }

    /** Reports the forwarder's outcomes to the metrics endpoint. */
    public static ForwardListener metricsListener(ForwardMetrics metrics) {
        return new ForwardListener() {
            @Override
            public void onAcked(String camera) {
                metrics.forwarded(camera, ForwardResult.ACKED);
            }

            @Override
            public void onSpooled(String camera) {
                metrics.forwarded(camera, ForwardResult.SPOOLED);
            }

            @Override
            public void onError(String camera) {
                metrics.forwarded(camera, ForwardResult.ERROR);
            }

            @Override
            public void onEvicted(String camera) {
                metrics.forwarded(camera, ForwardResult.EVICTED);
            }

            @Override
            public void spoolBytes(long bytes) {
                metrics.spoolBytes(bytes);
            }

            @Override
            public void cloudUp(boolean up) {
                metrics.cloudUp(up);
            }

            @Override
            public void spoolAccepting(boolean accepting) {
                metrics.spoolAccepting(accepting);
            }
        };
    }

    /**
     * A running forwarder, its counters, and the sink that picks the frames it sends ({@code cloud.forward}); give
     * {@link #uplink()} to the cascade. {@link #addTo} is complete once the cascade has closed it.
     */
    public record Forwarding(Forwarder forwarder, ForwardStats stats, EventForwarding uplink) {
        public RunSummary.Forwarding summary(List<String> cameraIds) {
            return new RunSummary.Forwarding(stats.snapshot(cameraIds), forwarder.remainingBytes(),
                    forwarder.remaining(), forwarder.timingMillis());
        }

        /** The summary with the forwarder's outcome and the frames chosen for the uplink per camera. */
        public RunSummary addTo(RunSummary s, List<String> cameraIds) {
            java.util.Map<String, Long> frames = new java.util.LinkedHashMap<>();
            for (String id : cameraIds) {
                frames.put(id, uplink.framesForwarded().getOrDefault(id, 0L));
            }
            return s.withForwarding(summary(cameraIds)).withFramesForwarded(frames);
        }
    }

    /**
     * Starts the forwarder the {@code cloud:} section asks for (and with {@code url: embedded} the reference
     * cloud server it sends to), or returns null when there is no {@code cloud:}. Give its {@code uplink()} to
     * {@link #cascade} as an extra sink: the cascade closes it, which closes the forwarder and drains the spool.
     */
    public static Forwarding forwarding(AppConfig config, List<ForwardListener> listeners,
            List<PipelineObserver> observers) {
        CloudSettings cloud = config.cloud();
        if (cloud == null) {
            return null;
        }
        CloudServer embedded = null;
        if (AppConfig.EMBEDDED.equals(cloud.url())) {
            try {
                embedded = CloudServer.start(new CloudServer.Settings("127.0.0.1", 0,
                        Map.of(cloud.model(), config.model().path()), null, 1));
            } catch (IOException e) {
                throw new UserError("cannot start the embedded cloud server: " + e.getMessage(), UserError.FAILED, e);
            }
            cloud = cloud.withUrl("127.0.0.1:" + embedded.port());
        }
        ForwardStats stats = new ForwardStats();
        List<ForwardListener> all = new ArrayList<>();
        all.add(stats);
        all.addAll(listeners);
        try {
            Forwarder f = Forwarder.start(cloud, config.spool(), ForwardListener.of(all),
                    PipelineObserver.of(observers), embedded);
            return new Forwarding(f, stats, new EventForwarding(f, config.forward()));
        } catch (IOException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already failing; the first error is the one to report
        }
    }
}
