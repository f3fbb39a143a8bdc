package io.edgecascade.cascade.source;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A camera that accepts the connection and then says nothing (a hung RTSP server): FFmpeg's connect must not block
 * the capture thread forever. A real socket, real FFmpeg.
 */
class InterruptibleFfmpegSourceTest {

    /** Accepts connections and never answers. */
    private static ServerSocket silentServer(List<Socket> accepted) throws Exception {
        ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Socket s = server.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                }
            } catch (java.io.IOException ignored) {
                // closed
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static void closeAll(List<Socket> sockets) throws java.io.IOException {
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void abortEndsAConnectThatHangsWithin2Seconds() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket server = silentServer(accepted)) {
            SourceUri uri = SourceUri.parse("rtsp://127.0.0.1:" + server.getLocalPort() + "/cam");
            InterruptibleFfmpegSource s = new InterruptibleFfmpegSource(uri,
                    new StreamOptions("tcp", Map.of(), 60_000, 500, 30_000, false), null);
            Thread stopper = new Thread(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                s.abort();
            });
            long t0 = System.nanoTime();
            stopper.start();
            assertThrows(SourceException.class, s::open);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 2_500, "open gave up " + ms + " ms after start (abort at 500 ms)");
            s.close();
            stopper.join();
        } finally {
            closeAll(accepted);
        }
    }

    @Test
    void connectThatHangsPastTheStallTimeFailsAsStalled() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket server = silentServer(accepted)) {
            SourceUri uri = SourceUri.parse("rtsp://127.0.0.1:" + server.getLocalPort() + "/cam");
            InterruptibleFfmpegSource s = new InterruptibleFfmpegSource(uri,
                    new StreamOptions("tcp", Map.of("timeout", "60000000"), 1000, 500, 30_000, false), null);
            long t0 = System.nanoTime();
            SourceException e = assertThrows(SourceException.class, s::open);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertInstanceOf(InterruptibleFfmpegSource.StalledException.class, e, e.getMessage());
            assertTrue(ms < 3_000, "the 1 s watchdog ended the connect after " + ms + " ms");
            s.close();
        } finally {
            closeAll(accepted);
        }
    }
}
