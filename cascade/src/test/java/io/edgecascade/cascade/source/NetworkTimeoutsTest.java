package io.edgecascade.cascade.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Per-protocol FFmpeg timeouts: {@code timeout} means "listen" for RTMP, so RTMP must use {@code rw_timeout}. */
class NetworkTimeoutsTest {

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    @Timeout(60)
    void anRtmpCameraIsDialledNotListenedFor() throws Exception {
        int port = freePort(); // nothing listens: the camera is down
        FfmpegFrameSource source = new FfmpegFrameSource(SourceUri.parse("rtmp://127.0.0.1:" + port + "/live/cam"));
        CompletableFuture<Throwable> opened = CompletableFuture.supplyAsync(() -> {
            try {
                source.open();
                return null;
            } catch (Throwable t) {
                return t;
            } finally {
                source.close();
            }
        });
        boolean becameServer = false;
        // watched for as long as the open takes (the defect listened for 10 s), not for a fixed time
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!opened.isDone() && System.nanoTime() < until) {
            becameServer |= listening(port);
            Thread.sleep(50);
        }
        // before: "timeout" made FFmpeg's RTMP client listen on the camera's port for 10 s
        assertFalse(becameServer, "the agent listened on the camera's port instead of connecting to it");
        Throwable t = opened.get(30, TimeUnit.SECONDS);
        assertTrue(t instanceof SourceException, "a camera that is down fails to open: " + t);
    }

    @Test
    void eachProtocolGetsItsOwnTimeoutOption() {
        Map<String, String> rtsp = options("rtsp://cam/stream");
        assertEquals("tcp", rtsp.get("rtsp_transport"));
        assertEquals("10000000", rtsp.get("timeout"));
        for (String url : new String[] {"rtmp://cam/live", "rtmps://cam/live", "http://cam/x.m3u8", "srt://cam:9000"}) {
            Map<String, String> o = options(url);
            assertFalse(o.containsKey("timeout"), url + ": " + o);
            assertEquals("10000000", o.get("rw_timeout"), url);
        }
        assertEquals("10000000", options("udp://0.0.0.0:5000").get("timeout"));
    }

    /** What every FFmpeg source (plain and interruptible) sets for a live URL with the default stream options. */
    private static Map<String, String> options(String url) {
        try {
            return StreamOptions.DEFAULTS.ffmpegOptions(SourceUri.parse(url));
        } catch (SourceException e) {
            throw new AssertionError(e);
        }
    }
}
