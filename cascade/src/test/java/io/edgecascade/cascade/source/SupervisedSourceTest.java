package io.edgecascade.cascade.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.cascade.api.CameraState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
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
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            s.abort();
        });
        long t0 = System.nanoTime();
        stopper.start();
        assertNull(s.grab());
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "stopped within 2 s of abort");
        stopper.join();
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
