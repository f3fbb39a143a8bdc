package io.edgecascade.app;

import io.edgecascade.app.cli.UserError;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PipelineObserver;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.ui.CameraActivity;
import io.edgecascade.cascade.ui.EventStore;
import io.edgecascade.cascade.ui.LiveView;
import io.edgecascade.cascade.ui.UiServer;
import io.edgecascade.cascade.ui.UiSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;

/**
 * The web page of a run ({@code ui.listen}): give the cascade its {@link #observers()} and {@link #sinks()}, then
 * {@link #attach} the built cascade, which starts serving; closed when the run ends. With the page off every
 * method is a no-op.
 */
public final class UiEndpoint implements AutoCloseable {

    private final UiSettings settings;
    private final List<String> cameraIds;
    private final Path configFile;
    private final CameraActivity activity;
    private final EventStore events;
    private final LiveView live;
    private UiServer server;

    private UiEndpoint(UiSettings settings, List<CameraSettings> cameras, Path configFile, BestFrames bestFrames) {
        this.settings = settings;
        this.cameraIds = cameras.stream().map(CameraSettings::id).toList();
        this.configFile = configFile;
        if (settings.enabled()) {
            activity = new CameraActivity(cameraIds);
            events = new EventStore(ZoneId.systemDefault(), bestFrames);
            live = new LiveView(settings, cameraIds, events);
        } else {
            activity = null;
            events = null;
            live = null;
        }
    }

    /**
     * @param configFile the config file, written back on tuning with {@code ui.persist}; null when there is none
     * @param bestFrames the cameras' best frames, shared with the forwarder (the events' snapshots)
     */
    public static UiEndpoint create(UiSettings settings, List<CameraSettings> cameras, Path configFile,
            BestFrames bestFrames) {
        return new UiEndpoint(settings, cameras, configFile, bestFrames);
    }

    public List<PipelineObserver> observers() {
        return activity == null ? List.of() : List.of(activity);
    }

    /** The sink that keeps the latest detections, the events and their best frames; the cascade closes it. */
    public List<FrameSink> sinks() {
        return events == null ? List.of() : List.of(events);
    }

    /** Taps the cascade's frames and starts serving, without event clips. */
    public void attach(Cascade cascade) {
        attach(cascade, id -> null);
    }

    /**
     * Taps the cascade's frames and starts serving.
     *
     * @param clips an event's clip, or null when it has none
     */
    public void attach(Cascade cascade, java.util.function.Function<String, Path> clips) {
        if (!settings.enabled()) {
            return;
        }
        cascade.captureTap(live);
        try {
            server = UiServer.start(settings, cameraIds, cascade::camera, live, events, activity,
                    new PageTuning(cascade, cameraIds, settings.persist() ? configFile : null), clips);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), UserError.FAILED, e);
        }
    }

    /** The port bound, or -1 when the page is off or not started. */
    public int port() {
        return server == null ? -1 : server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (live != null) {
            live.close();
        }
    }
}
