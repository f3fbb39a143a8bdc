package io.edgecascade.cascade.ui;

import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.bestframe.BestFrames;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.DetectorSettings;
import java.io.IOException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real {@link UiServer} for one camera, {@code demo}, with nothing running behind it: its tuning is recorded,
 * not applied, so a test sees exactly which requests changed something.
 */
final class PageServer implements AutoCloseable {

    static final String CAMERA = "demo";
    /** Every request that reached the page's tuning, in order. */
    final List<Map<String, Object>> tuned = new CopyOnWriteArrayList<>();
    final UiServer server;
    private final LiveView live;

    PageServer(UiSettings settings) throws IOException {
        CameraSettings camera = new CameraSettings(CAMERA, "demo.mp4", true, MotionSettings.DEFAULTS,
                new DetectorSettings(0.4f, 0.45f, Set.of("person")));
        EventStore events = new EventStore(ZoneId.systemDefault(), new BestFrames(BestFrames.Settings.DEFAULTS, 90));
        live = new LiveView(settings, List.of(CAMERA), events);
        server = UiServer.start(settings, List.of(CAMERA), id -> id.equals(CAMERA) ? camera : null, live, events,
                new CameraActivity(List.of(CAMERA)), (id, values) -> {
                    tuned.add(values);
                    return new Tuner.Result(200, "applied");
                }, id -> null);
    }

    int port() {
        return server.port();
    }

    /**
     * Every request the page answers, as {method, path}: pages, JSON, live views, snapshots, clips, tuning, and
     * paths it does not know.
     */
    static List<String[]> everyRequest() {
        String cam = "/cameras/" + CAMERA;
        return List.of(new String[] {"GET", "/"}, new String[] {"GET", "/index.html"}, new String[] {"GET", "/ui.css"},
                new String[] {"GET", "/ui.js"}, new String[] {"GET", "/api/cameras"}, new String[] {"GET", "/events"},
                new String[] {"GET", "/events/"}, new String[] {"HEAD", "/api/cameras"},
                new String[] {"GET", cam + "/stream.mjpeg"}, new String[] {"GET", cam + "/latest.jpg"},
                new String[] {"GET", cam + "/motion.mjpeg"}, new String[] {"GET", cam + "/motion.jpg"},
                new String[] {"GET", "/events/demo-1-1/snapshot.jpg"}, new String[] {"GET", "/events/demo-1-1/clip.mp4"},
                new String[] {"PUT", cam + "/tuning"}, new String[] {"POST", cam + "/tuning"},
                new String[] {"DELETE", cam + "/tuning"}, new String[] {"GET", "/login"},
                new String[] {"POST", "/login"}, new String[] {"POST", "/logout"}, new String[] {"GET", "/nowhere"},
                new String[] {"GET", "/healthz/x"});
    }

    @Override
    public void close() {
        server.close();
        live.close();
    }
}
