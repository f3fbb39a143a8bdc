package io.edgecascade.app;

import io.edgecascade.app.cli.UserError;
import io.edgecascade.app.config.AppConfig;
import io.edgecascade.cascade.detect.Labels;
import io.edgecascade.cascade.detect.ModelTypes;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.events.EventLog;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.FrameSink;
import io.edgecascade.cascade.pipeline.PipelineObserver;
import io.edgecascade.cascade.pipeline.SourceFactory;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.EngineRegistry;
import io.edgecascade.engines.InferenceEngine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
            events = EventLog.open(config.events());
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

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already failing; the first error is the one to report
        }
    }
}
