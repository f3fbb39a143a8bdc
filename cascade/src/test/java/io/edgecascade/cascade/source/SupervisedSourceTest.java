package io.edgecascade.cascade.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.api.CameraState;
import io.edgecascade.cascade.testing.Await;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** Reconnect, backoff, timeline and stop of the supervisor, over scripted connections. */
class SupervisedSourceTest {

    /** A connection that fails to open, or gives {@code frames} frames (pts from 0, 100 ms apart) then ends. */
    private static class Scripted implements FrameSource {
        final int frames;
        final boolean failOpen;
        final Mat image = new Mat(2, 2, org.bytedeco.opencv.global.opencv_core.CV_8UC3);
        int given;

        Scripted(int frames, boolean failOpen) {
            this.frames = frames;
            this.failOpen = failOpen;
        }

        @Override
        public void open() throws SourceException {
            if (failOpen) {
                throw new SourceException("cannot open stream rtsp://***@cam/x: Connection refused");
            }
        }

        @Override
        public Frame grab() {
            return given < frames ? new Frame(given, 100L * given++, image) : null;
        }

        @Override
        public double frameRate() {
            return 10;
        }

        @Override
        public boolean isLive() {
            return true;
        }

        @Override
        public long decodeErrors() {
            return 0;
        }

        @Override
        public String describe() {
            return "scripted";
        }

        @Override
        public void close() {
            image.close();
        }
    }

    private static final class Recorder implements SourceHealth {
        final List<CameraState> states = new ArrayList<>();
        final AtomicInteger reconnects = new AtomicInteger();

        @Override
        public void state(CameraState state, String lastError) {
            states.add(state);
        }

        @Override
        public void reconnected() {
            reconnects.incrementAndGet();
        }
    }

    private static StreamOptions fast() {
        return new StreamOptions("tcp", Map.of(), 1000, 10, 40, false);
    }

    @Test
    void reconnectsAfterFailuresAndKeepsOneTimeline() throws Exception {
        Deque<Scripted> script = new ArrayDeque<>(List.of(new Scripted(3, false), new Scripted(0, true),
                new Scripted(0, true), new Scripted(3, false)));
        Recorder health = new Recorder();
        SupervisedSource s = new SupervisedSource("cam", SourceUri.parse("rtsp://u:p@cam/x"), fast(),
                () -> script.isEmpty() ? new Scripted(0, true) : script.poll(), health, () -> 0.5);
        s.open();
        long lastPts = -1;
        for (int i = 0; i < 6; i++) {
            FrameSource.Frame f = s.grab();
            assertNotNull(f);
            assertEquals(i, f.sequence());
            assertTrue(f.ptsMillis() > lastPts, "pts goes forward across reconnects: " + f.ptsMillis());
            lastPts = f.ptsMillis();
        }
        assertEquals(1, health.reconnects.get());
        assertEquals(CameraState.STREAMING, s.state());
        assertTrue(s.lastError().contains("Connection refused") && !s.lastError().contains("u:p"), s.lastError());
        assertEquals(List.of(CameraState.CONNECTING, CameraState.STREAMING, CameraState.BACKOFF,
                CameraState.CONNECTING, CameraState.BACKOFF, CameraState.CONNECTING, CameraState.BACKOFF,
                CameraState.CONNECTING, CameraState.STREAMING), health.states);
        s.close();
    }

    @Test
    void abortEndsTheBackoffWait() throws Exception {
        SupervisedSource s = new SupervisedSource("cam", SourceUri.parse("rtsp://cam/x"),
                new StreamOptions("tcp", Map.of(), 1000, 60_000, 60_000, false), () -> new Scripted(0, true),
                SourceHealth.NONE, () -> 0.99);
        s.open();
        // abort once the source is in its backoff wait (59.4 s: 0.99 of 60 s), then grab must return long before
        // that wait would have ended; the bound is generous for a loaded machine, the wait far longer
        CompletableFuture<Long> aborted = CompletableFuture.supplyAsync(() -> {
            try {
                Await.until("the backoff", Duration.ofSeconds(30), () -> s.state() == CameraState.BACKOFF);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                s.abort();
            }
            return System.nanoTime();
        });
        assertNull(s.grab());
        long returned = System.nanoTime();
        long abortedAt = aborted.get(30, TimeUnit.SECONDS);
        assertTrue(returned - abortedAt < 20_000_000_000L, "grab returned " + (returned - abortedAt) / 1e9
                + " s after the abort; the backoff wait was 59.4 s");
        s.close();
    }

    @Test
    void loopedFileStartsAgainAtItsEnd() throws Exception {
        SupervisedSource s = new SupervisedSource("cam", SourceUri.parse("/videos/a.mp4"),
                new StreamOptions("tcp", Map.of(), 1000, 10, 40, true), () -> new Scripted(2, false) {
                    @Override
                    public boolean isLive() {
                        return false;
                    }
                }, SourceHealth.NONE, () -> 0.5);
        s.open();
        long[] pts = new long[5];
        for (int i = 0; i < 5; i++) {
            pts[i] = s.grab().ptsMillis();
        }
        assertEquals(List.of(0L, 100L, 200L, 300L, 400L), java.util.Arrays.stream(pts).boxed().toList());
        s.close();
    }
}
