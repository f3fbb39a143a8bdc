package io.edgecascade.cascade.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameTracks;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.api.TrackEvent;
import io.edgecascade.cascade.api.VideoFrame;
import io.edgecascade.cascade.bestframe.BestFrames;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's clips and snapshots: a clip is streamed from disk (the request's memory does not grow with the clip),
 * with byte ranges for the browser's player; a snapshot (and the list's thumbnail) is drawn from the kept best frame
 * and sent again only when it changed.
 */
class ClipAndSnapshotServingTest {

    private static final int CLIP_BYTES = 48 << 20;

    @TempDir
    Path dir;
    private Path clip;
    private byte[] clipBytes;
    private BestFrames frames;
    private EventStore events;
    private LiveView live;
    private UiServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        clip = dir.resolve("ev-1.mp4");
        clipBytes = new byte[CLIP_BYTES];
        new Random(7).nextBytes(clipBytes);
        Files.write(clip, clipBytes);
        frames = new BestFrames(BestFrames.Settings.DEFAULTS, 90);
        events = new EventStore(ZoneId.of("UTC"), frames);
        live = new LiveView(new UiSettings(true, "127.0.0.1", 0, false, 5, 640), List.of("cam"), events);
        server = UiServer.start(new UiSettings(true, "127.0.0.1", 0, false, 5, 640), List.of("cam"), id -> null,
                live, events, new CameraActivity(List.of("cam")), (c, v) -> new Tuner.Result(200, "ok"),
                id -> id.equals("ev-1") ? clip : id.equals("gone") ? dir.resolve("deleted.mp4") : null);
    }

    @AfterEach
    void stop() {
        server.close();
        live.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** Bytes allocated so far by the page's request threads. */
    private static long allocatedByPageThreads() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("ui-http-")) {
                sum += Math.max(0, mx.getThreadAllocatedBytes(t.getId()));
            }
        }
        return sum;
    }

    /**
     * Failed before: the whole clip was read into the heap for each request (48 MiB allocated per download); now the
     * request thread allocates a buffer or two.
     */
    @Test
    void aClipIsStreamedFromDiskWithoutHoldingItInMemory() throws Exception {
        long before = allocatedByPageThreads();
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri("/events/ev-1/clip.mp4")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertEquals("video/mp4", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals(String.valueOf(CLIP_BYTES), r.headers().firstValue("Content-Length").orElse(""));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long n = 0;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[1 << 16];
            int k;
            while ((k = in.read(buf)) > 0) {
                sha.update(buf, 0, k);
                n += k;
            }
        }
        assertEquals(CLIP_BYTES, n);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(clipBytes), sha.digest(), "the clip's bytes");
        long allocated = allocatedByPageThreads() - before;
        assertTrue(allocated < 8L << 20, "the request thread allocated " + allocated + " bytes for a "
                + CLIP_BYTES + "-byte clip");
    }

    @Test
    void aPlayerCanAskForByteRanges() throws Exception {
        HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(uri("/events/ev-1/clip.mp4"))
                .header("Range", "bytes=1000-1999").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertEquals("bytes", part.headers().firstValue("Accept-Ranges").orElse(""));
        assertEquals("bytes 1000-1999/" + CLIP_BYTES, part.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(clipBytes, 1000, 2000), part.body());

        HttpResponse<byte[]> tail = http.send(HttpRequest.newBuilder(uri("/events/ev-1/clip.mp4"))
                .header("Range", "bytes=-10").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, tail.statusCode());
        assertArrayEquals(Arrays.copyOfRange(clipBytes, CLIP_BYTES - 10, CLIP_BYTES), tail.body());

        HttpResponse<byte[]> open = http.send(HttpRequest.newBuilder(uri("/events/ev-1/clip.mp4"))
                .header("Range", "bytes=" + (CLIP_BYTES - 5) + "-").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, open.statusCode());
        assertEquals(5, open.body().length);

        HttpResponse<byte[]> outside = http.send(HttpRequest.newBuilder(uri("/events/ev-1/clip.mp4"))
                .header("Range", "bytes=" + CLIP_BYTES + "-").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(416, outside.statusCode());
        assertEquals("bytes */" + CLIP_BYTES, outside.headers().firstValue("Content-Range").orElse(""));

        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(uri("/events/ev-1/clip.mp4"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(CLIP_BYTES), head.headers().firstValue("Content-Length").orElse(""));

        HttpResponse<String> gone = http.send(HttpRequest.newBuilder(uri("/events/gone/clip.mp4")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, gone.statusCode(), "a clip deleted by retention meanwhile");
    }

    @Test
    void aSnapshotIsDrawnFromTheKeptFrameAndSentAgainOnlyWhenItChanged() throws Exception {
        TrackEvent start = new TrackEvent("cam-1", TrackEvent.Type.START, "cam", 1, 100, Instant.now(), "person", 1,
                0.9f, new float[] {100, 100, 200, 300}, List.of(), 100, 100, 1);
        List<Detection> person = List.of(new Detection("person", 0, 0.9f, 100, 100, 200, 300));
        try (Mat grey = new Mat(480, 640, opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0));
                VideoFrame f = new VideoFrame("cam", 1, 100, Instant.now(), grey.clone())) {
            events.accept(new PositiveFrame(f, null, person, new FrameTracks(List.of(1L), List.of(start),
                    List.of(1L), List.of())));
        }
        HttpResponse<byte[]> first = http.send(HttpRequest.newBuilder(uri("/events/cam-1/snapshot.jpg")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, first.statusCode());
        assertEquals("image/jpeg", first.headers().firstValue("Content-Type").orElse(""));
        String etag = first.headers().firstValue("ETag").orElseThrow();
        try (Mat shown = io.edgecascade.cascade.bestframe.JpegCodec.decode(first.body())) {
            assertEquals(640, shown.cols());
            // the box is drawn in green at x = 100
            int green = shown.ptr(200, 100).get(1) & 0xff;
            int red = shown.ptr(200, 100).get(2) & 0xff;
            assertTrue(green > red + 50, "the box is drawn: green " + green + ", red " + red);
        }
        HttpResponse<byte[]> thumb = http.send(HttpRequest.newBuilder(uri("/events/cam-1/thumbnail.jpg")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, thumb.statusCode());
        try (Mat small = io.edgecascade.cascade.bestframe.JpegCodec.decode(thumb.body())) {
            assertEquals(160, small.cols(), "decoded at a quarter: 120 rows, enough for the list's 60 px");
            assertEquals(120, small.rows());
            int green = small.ptr(50, 25).get(1) & 0xff; // the box's left edge, a quarter of x = 100
            int red = small.ptr(50, 25).get(2) & 0xff;
            assertTrue(green > red + 50, "the box is drawn on the thumbnail: green " + green + ", red " + red);
        }
        assertTrue(!etag.equals(thumb.headers().firstValue("ETag").orElse(etag)), "its own tag");
        String list = http.send(HttpRequest.newBuilder(uri("/events")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        assertTrue(list.contains("\"thumbnail\":\"/events/cam-1/thumbnail.jpg\""), list);
        HttpResponse<byte[]> again = http.send(HttpRequest.newBuilder(uri("/events/cam-1/snapshot.jpg"))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(304, again.statusCode(), "unchanged: not drawn again");
        assertEquals(0, again.body().length);

        // a better frame: the snapshot changes
        try (Mat light = new Mat(480, 640, opencv_core.CV_8UC3, new Scalar(200, 200, 200, 0));
                VideoFrame f = new VideoFrame("cam", 2, 200, Instant.now(), light.clone())) {
            events.accept(new PositiveFrame(f, null, person, new FrameTracks(List.of(1L), List.of(), List.of(1L),
                    List.of())));
        }
        HttpResponse<byte[]> changed = http.send(HttpRequest.newBuilder(uri("/events/cam-1/snapshot.jpg"))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, changed.statusCode());
        assertTrue(!etag.equals(changed.headers().firstValue("ETag").orElse(etag)));
        assertEquals(Map.of("cam", 0L), frames.dropped());
    }
}
