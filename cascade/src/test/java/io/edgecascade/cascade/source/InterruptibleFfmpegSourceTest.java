package io.edgecascade.cascade.source;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.testing.Await;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

    private static int accepted(List<Socket> sockets) {
        synchronized (sockets) {
            return sockets.size();
        }
    }

    private static void closeAll(List<Socket> sockets) throws java.io.IOException {
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void abortEndsAConnectThatHangs() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket server = silentServer(accepted)) {
            SourceUri uri = SourceUri.parse("rtsp://127.0.0.1:" + server.getLocalPort() + "/cam");
            InterruptibleFfmpegSource s = new InterruptibleFfmpegSource(uri,
                    new StreamOptions("tcp", Map.of(), 60_000, 500, 30_000, false), null);
            // abort once the connect hangs (the server accepted and says nothing); without the abort it would hang
            // for the 60 s stall time: the bound is generous for a loaded machine and far below that
            CompletableFuture<Long> aborted = CompletableFuture.supplyAsync(() -> {
                try {
                    Await.until("the connection", Duration.ofSeconds(30), () -> accepted(accepted) > 0);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    s.abort();
                }
                return System.nanoTime();
            });
            assertThrows(SourceException.class, s::open);
            long returned = System.nanoTime();
            long ms = (returned - aborted.get(30, TimeUnit.SECONDS)) / 1_000_000;
            assertTrue(ms < 20_000, "open gave up " + ms + " ms after the abort (the stall time is 60 s)");
            s.close();
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
            // generous for a loaded machine, and far below the 60 s protocol timeout the watchdog cuts short
            assertTrue(ms < 30_000, "the 1 s watchdog ended the connect after " + ms + " ms");
            s.close();
        } finally {
            closeAll(accepted);
        }
    }
}
