package io.edgecascade.cascade.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP listener on loopback that accepts connections and never says a word: a cloud that hangs rather than refuses
 * (a stalled server, a proxy with no backend). {@link #close()} closes the connections it holds.
 */
public final class SilentServer implements AutoCloseable {

    private final ServerSocket socket;
    private final List<Socket> held = new ArrayList<>();
    private final Thread acceptor;

    /** Listens on {@code port} (0: any free port). */
    public SilentServer(int port) throws IOException {
        socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    synchronized (held) {
                        held.add(s);
                    }
                } catch (IOException closed) {
                    return;
                }
            }
        }, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        socket.close();
        synchronized (held) {
            for (Socket s : held) {
                s.close();
            }
        }
        acceptor.join(5000);
    }
}
