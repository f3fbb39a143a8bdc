package io.edgecascade.cascade.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.edgecascade.cascade.api.Tuner;
import io.edgecascade.cascade.http.AccessFilter;
import io.edgecascade.cascade.http.HttpEndpoint;
import io.edgecascade.cascade.http.PemTls;
import io.edgecascade.cascade.pipeline.CameraSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's web page ({@code ui.listen}):
 * <ul>
 *   <li>{@code /}: every camera with its state, fps, gate pass ratio, detector runs, events today, live view,
 *       motion debug view and tuning form; {@code /api/cameras} is the same as JSON;</li>
 *   <li>{@code /cameras/{id}/stream.mjpeg} and {@code /cameras/{id}/latest.jpg}: the annotated live view;
 *       {@code /cameras/{id}/motion.mjpeg} and {@code motion.jpg}: the gate's grey image with its changed
 *       pixels in red;</li>
 *   <li>{@code PUT /cameras/{id}/tuning} with JSON {@code threshold}, {@code min_area}, {@code confidence};</li>
 *   <li>{@code /events} (JSON, newest first), {@code /events/{id}/snapshot.jpg} (its {@code thumbnail.jpg} for the
 *       list) and, with recording on, {@code /events/{id}/clip.mp4};</li>
 *   <li>{@code /healthz}: 200 while it serves (container health checks).</li>
 * </ul>
 * Every request first passes {@link AccessFilter} (Host, Origin, {@code ui.token}, the login form); with
 * {@code ui.tls_cert} the page is served over HTTPS.
 * Plain HTML, CSS and JavaScript from the jar: nothing is fetched from the internet.
 *
 * <p>Lifecycle: {@link #start} binds and serves on a small pool of its own threads ({@value #THREADS}; a live
 * stream holds one while it is watched, so at most {@value #MAX_STREAMS} streams are served at once and the rest of
 * the page stays responsive) and one that draws the events' pictures; {@link #close} stops it and ends the streams.
 */
public final class UiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int THREADS = 16;
    /** Live streams open at once; the other threads stay free for the page, its JSON and tuning. */
    static final int MAX_STREAMS = THREADS - 4;
    private static final String BOUNDARY = "edgecascadeframe";
    /** How long a stream waits for a frame before checking whether it should end. */
    private static final long STREAM_POLL_MS = 1000;
    private static final long LATEST_WAIT_MS = 3000;

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<String> cameraIds;
    private final Function<String, CameraSettings> cameras;
    private final LiveView live;
    private final EventStore events;
    private final CameraActivity activity;
    private final Tuner tuner;
    private final Function<String, java.nio.file.Path> clips;
    private final AtomicInteger streams = new AtomicInteger();
    /**
     * Where event pictures are drawn (decoded, boxed, encoded), one at a time: a full frame is 16 MB at 3072x1728,
     * and the page must neither take the pipeline's cores by drawing many at once nor spread the C allocator's blocks
     * over the arenas of all its request threads (each keeps what it once held).
     */
    private final ExecutorService drawing = HttpEndpoint.threads("ui-draw", 1);
    private volatile boolean closed;

    private UiServer(HttpServer server, ExecutorService executor, List<String> cameraIds,
            Function<String, CameraSettings> cameras, LiveView live, EventStore events, CameraActivity activity,
            Tuner tuner, Function<String, java.nio.file.Path> clips) {
        this.clips = clips;
        this.server = server;
        this.executor = executor;
        this.cameraIds = List.copyOf(cameraIds);
        this.cameras = cameras;
        this.live = live;
        this.events = events;
        this.activity = activity;
        this.tuner = tuner;
    }

    /**
     * Binds {@code settings}' address and starts serving.
     *
     * @param cameras a camera's settings now (they change with tuning)
     * @param clips   an event's clip file, or null when it has none (recording off: always null)
     * @throws IOException naming the address and the fix when it cannot bind, or the file and the fix when the TLS
     *                     certificate or key cannot be used
     */
    public static UiServer start(UiSettings settings, List<String> cameraIds, Function<String, CameraSettings> cameras,
            LiveView live, EventStore events, CameraActivity activity, Tuner tuner,
            Function<String, java.nio.file.Path> clips) throws IOException {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("the web page is disabled");
        }
        SSLContext tls = null;
        if (settings.tls()) {
            try {
                tls = PemTls.load(settings.tlsCert(), settings.tlsKey(), "ui.tls_cert", "ui.tls_key").serverContext();
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e); // one line naming the file and the fix
            }
        }
        HttpServer server = HttpEndpoint.bind("ui.listen", settings.host(), settings.port(), 16, tls);
        ExecutorService executor = HttpEndpoint.threads("ui-http", THREADS);
        UiServer s = new UiServer(server, executor, cameraIds, cameras, live, events, activity, tuner,
                clips);
        // every request passes the Host, Origin and token checks before it reaches the page
        server.createContext("/", s::handle).getFilters().add(AccessFilter.forPage(settings.access(),
                settings.host(), server.getAddress().getPort(), settings.tls()));
        server.setExecutor(executor);
        server.start();
        LOG.info("ui: serving {}/{}", HttpEndpoint.url(server),
                settings.access().tokenRequired() ? " (token required: ui.token)" : "");
        return s;
    }

    /** The port bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            route(exchange);
        } catch (IOException | RuntimeException e) {
            HttpEndpoint.requestFailed(LOG, "ui", exchange, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void route(HttpExchange ex) throws IOException, InterruptedException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        String[] parts = path.substring(1).split("/", -1);
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (parts.length == 3 && parts[0].equals("cameras") && parts[2].equals("tuning")) {
            if (!method.equals("PUT")) {
                notAllowed(ex, "PUT");
                return;
            }
            tune(ex, decode(parts[1]));
            return;
        }
        if (!read) {
            notAllowed(ex, "GET, HEAD");
            return;
        }
        switch (path) {
            case "/healthz" -> {
                json(ex, 200, Map.of("status", "alive"));
                return;
            }
            case "/", "/index.html" -> {
                page(ex);
                return;
            }
            case "/ui.css" -> {
                resource(ex, "ui.css", "text/css; charset=utf-8");
                return;
            }
            case "/ui.js" -> {
                resource(ex, "ui.js", "text/javascript; charset=utf-8");
                return;
            }
            case "/api/cameras" -> {
                json(ex, 200, cameraStatus());
                return;
            }
            case "/events", "/events/" -> {
                json(ex, 200, eventList());
                return;
            }
            default -> {
            }
        }
        if (parts.length == 3 && parts[0].equals("cameras")) {
            String id = decode(parts[1]);
            LiveView.Feed feed = live.feed(id);
            if (feed == null) {
                text(ex, 404, "no camera '" + id + "'; cameras: " + String.join(", ", cameraIds) + "\n");
                return;
            }
            switch (parts[2]) {
                case "stream.mjpeg" -> stream(ex, feed.annotated, live::encodeAnnotated);
                case "latest.jpg" -> latest(ex, feed.annotated, live::encodeAnnotated);
                case "motion.mjpeg" -> stream(ex, feed.motion, live::encodeMotion);
                case "motion.jpg" -> latest(ex, feed.motion, live::encodeMotion);
                default -> text(ex, 404, "not found; a camera has stream.mjpeg, latest.jpg, motion.mjpeg,"
                        + " motion.jpg and tuning\n");
            }
            return;
        }
        if (parts.length == 3 && parts[0].equals("events")
                && (parts[2].equals("snapshot.jpg") || parts[2].equals("thumbnail.jpg"))) {
            EventStore.Snapshot snapshot = events.snapshot(decode(parts[1]));
            boolean thumbnail = parts[2].equals("thumbnail.jpg");
            if (snapshot == null) {
                text(ex, 404, "no snapshot of event '" + decode(parts[1]) + "'; /events lists the events (a best"
                        + " frame is kept while its event is recent and within events.best_frames_mb)\n");
            } else if (thumbnail) {
                Responses.revalidated(ex, snapshot.tag() + "-thumbnail", "image/jpeg",
                        () -> drawn(snapshot::thumbnail));
            } else {
                Responses.revalidated(ex, snapshot.tag(), "image/jpeg", () -> drawn(snapshot::render));
            }
            return;
        }
        if (parts.length == 3 && parts[0].equals("events") && parts[2].equals("clip.mp4")) {
            java.nio.file.Path clip = clips.apply(decode(parts[1]));
            String none = "no clip of event '" + decode(parts[1]) + "'; clips are written when an event ends,"
                    + " with record.events: true\n";
            if (clip == null) {
                text(ex, 404, none);
            } else {
                try {
                    Responses.file(ex, clip, "video/mp4");
                } catch (java.nio.file.NoSuchFileException gone) {
                    text(ex, 404, none); // deleted by retention since it was looked up
                }
            }
            return;
        }
        text(ex, 404, "not found; try / or /events\n");
    }

    private void stream(HttpExchange ex, PreviewChannel<LiveView.Captured> channel,
            java.util.function.BiFunction<org.bytedeco.opencv.opencv_core.Mat, LiveView.Captured, byte[]> encoder)
            throws IOException, InterruptedException {
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            text(ex, 503, "too many live views open (" + MAX_STREAMS + "); close one, or use latest.jpg\n");
            return;
        }
        try {
            streamFrames(ex, channel, encoder);
        } finally {
            streams.decrementAndGet();
        }
    }

    private void streamFrames(HttpExchange ex, PreviewChannel<LiveView.Captured> channel,
            java.util.function.BiFunction<org.bytedeco.opencv.opencv_core.Mat, LiveView.Captured, byte[]> encoder)
            throws IOException, InterruptedException {
        ex.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=" + BOUNDARY);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(200, -1);
            return;
        }
        ex.sendResponseHeaders(200, 0);
        try (AutoCloseable watching = channel.watch(); OutputStream out = ex.getResponseBody()) {
            long seq = channel.sequence();
            while (!closed) {
                PreviewChannel.Encoded e = channel.next(seq, STREAM_POLL_MS, encoder);
                if (e == null) {
                    continue;
                }
                seq = e.sequence();
                out.write(("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + e.jpeg().length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(e.jpeg());
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // the viewer went away
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private void latest(HttpExchange ex, PreviewChannel<LiveView.Captured> channel,
            java.util.function.BiFunction<org.bytedeco.opencv.opencv_core.Mat, LiveView.Captured, byte[]> encoder)
            throws IOException, InterruptedException {
        PreviewChannel.Encoded e;
        try (AutoCloseable watching = channel.watch()) {
            e = channel.next(channel.sequence(), LATEST_WAIT_MS, encoder);
        } catch (InterruptedException | RuntimeException x) {
            throw x;
        } catch (Exception x) {
            throw new IOException(x);
        }
        if (e == null) {
            e = channel.last(); // the camera has stopped: its last frame
        }
        if (e == null) {
            text(ex, 503, "no frame yet; the camera is not delivering frames (see /api/cameras)\n");
            return;
        }
        HttpEndpoint.send(ex, 200, "image/jpeg", e.jpeg());
    }

    private void tune(HttpExchange ex, String camera) throws IOException {
        if (cameras.apply(camera) == null) {
            text(ex, 404, "no camera '" + camera + "'; cameras: " + String.join(", ", cameraIds) + "\n");
            return;
        }
        Map<String, Object> values;
        try (InputStream in = ex.getRequestBody()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> v = JSON.readValue(in.readNBytes(64 << 10), Map.class);
            values = v;
        } catch (IOException | RuntimeException e) {
            text(ex, 400, "the body must be a JSON object such as {\"threshold\": 30, \"min_area\": 0.001,"
                    + " \"confidence\": 0.5}\n");
            return;
        }
        Tuner.Result r = tuner.tune(camera, values == null ? Map.of() : values);
        text(ex, r.status(), r.message() + "\n");
    }

    private List<Map<String, Object>> cameraStatus() {
        List<Map<String, Object>> out = new ArrayList<>();
        Instant now = Instant.now();
        for (String id : cameraIds) {
            CameraSettings c = cameras.apply(id);
            CameraActivity.Now a = activity.now(id);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("state", a.up() ? "running" : "stopped");
            m.put("fps", round(a.fps(), 10));
            m.put("pass_ratio", round(a.passRatio(), 1000));
            m.put("detector_runs", a.detectorRuns());
            m.put("events_today", events.eventsToday(id, now));
            m.put("threshold", c.motion().threshold());
            m.put("min_area", c.motion().minArea());
            m.put("confidence", Math.round(c.detector().confidence() * 1e4) / 1e4);
            m.put("gate", c.motion().enabled());
            m.put("preview_encodes", live.encodes());
            out.add(m);
        }
        return out;
    }

    private List<Map<String, Object>> eventList() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EventStore.Event e : events.events()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("camera", e.camera());
            m.put("label", e.label());
            m.put("model", e.model());
            m.put("track_id", e.trackId());
            m.put("start", e.start().toString());
            m.put("duration_s", e.durationMs() / 1000.0);
            m.put("score", Math.round(e.score() * 1e4) / 1e4);
            m.put("box", e.box());
            m.put("zones", e.zones());
            List<Map<String, Object>> attributes = new ArrayList<>();
            for (io.edgecascade.cascade.api.Attribute a : e.attributes()) {
                Map<String, Object> am = new LinkedHashMap<>();
                am.put(a.model(), a.label());
                am.put("score", Math.round(a.score() * 1e4) / 1e4);
                attributes.add(am);
            }
            m.put("attributes", attributes);
            m.put("stationary", e.stationary());
            m.put("alert", e.alert());
            m.put("ended", e.ended());
            m.put("snapshot", "/events/" + e.id() + "/snapshot.jpg");
            m.put("thumbnail", "/events/" + e.id() + "/thumbnail.jpg");
            if (clips.apply(e.id()) != null) {
                m.put("clip", "/events/" + e.id() + "/clip.mp4");
            }
            out.add(m);
        }
        return out;
    }

    private static double round(double v, double per) {
        return Math.round(v * per) / per;
    }

    private void page(HttpExchange ex) throws IOException {
        StringBuilder tiles = new StringBuilder();
        for (String id : cameraIds) {
            tiles.append(Page.tile(id));
        }
        String html = Page.read("index.html").replace("{{cameras}}", tiles.toString());
        HttpEndpoint.send(ex, 200, "text/html; charset=utf-8", html);
    }

    private static void resource(HttpExchange ex, String name, String type) throws IOException {
        HttpEndpoint.send(ex, 200, type, Page.read(name));
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        HttpEndpoint.send(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void text(HttpExchange ex, int status, String body) throws IOException {
        HttpEndpoint.send(ex, status, "text/plain; charset=utf-8", body);
    }

    private static void notAllowed(HttpExchange ex, String allow) throws IOException {
        ex.getResponseHeaders().set("Allow", allow);
        text(ex, 405, "method not allowed; use " + allow + "\n");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Stops serving and ends the live streams. */
    @Override
    public void close() {
        closed = true;
        live.close(); // wakes the streams waiting for a frame
        HttpEndpoint.stop(server, executor);
        drawing.shutdownNow();
    }

    /** A picture drawn on the drawing thread; the request's thread waits for it. */
    private byte[] drawn(java.util.function.Supplier<byte[]> picture) {
        try {
            return drawing.submit(picture::get).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the picture was drawn", e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("the page is closing", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
