package io.edgecascade.cascade.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real RTSP server for tests: GStreamer's RTSP server ({@code rtsp/rtsp_server.py}, Debian's python3-gi and
 * gir1.2-gst-rtsp-server-1.0) serving a video at {@code rtsp://127.0.0.1:PORT/MOUNT}, on a port that stays the same
 * across {@link #stop()} and {@link #start()} so a camera can reconnect. {@link #stall()} stops the frames while the
 * session stays up.
 */
public final class RtspServer implements AutoCloseable {

    private final Path script;
    private final Path video;
    private final int port;
    private final List<String> mounts;
    private final String auth;
    private Process process;
    private Writer commands;

    /** @param auth {@code user:password} the server requires, or null */
    public RtspServer(Path workDir, Path video, List<String> mounts, String auth) throws IOException {
        this.script = extractScript(workDir);
        this.video = video;
        this.port = freePort();
        this.mounts = List.copyOf(mounts);
        this.auth = auth;
    }

    private static Path extractScript(Path dir) throws IOException {
        Path p = dir.resolve("rtsp_server.py");
        try (InputStream in = RtspServer.class.getResourceAsStream("/rtsp/rtsp_server.py")) {
            if (in == null) {
                return fail("rtsp/rtsp_server.py is missing from the test resources");
            }
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
        }
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The URL of {@code mount}, with {@code credentials} ({@code user:password}) when not null. */
    public String url(String mount, String credentials) {
        return "rtsp://" + (credentials == null ? "" : credentials + "@") + "127.0.0.1:" + port + "/" + mount;
    }

    public int port() {
        return port;
    }

    /** Starts the server and waits until it listens. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("already running");
        }
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python)) {
            fail("/usr/bin/python3 is missing: install python3-gi gir1.2-gst-rtsp-server-1.0 (see .ci/run)");
        }
        List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString(), "--port",
                Integer.toString(port), "--video", video.toString(), "--mounts", String.join(",", mounts)));
        if (auth != null) {
            cmd.add("--auth");
            cmd.add(auth);
        }
        for (int attempt = 0; ; attempt++) {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line != null && line.startsWith("READY")) {
                process = p;
                commands = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe from filling
                        }
                    } catch (IOException ignored) {
                        // the server ended
                    }
                }, "rtsp-server-output");
                drain.setDaemon(true);
                drain.start();
                return;
            }
            StringBuilder rest = new StringBuilder(line == null ? "" : line);
            for (String l; (l = out.readLine()) != null;) {
                rest.append('\n').append(l);
            }
            p.waitFor(5, TimeUnit.SECONDS);
            // the port was just released by the previous run; a moment later it is free
            if (attempt >= 20) {
                fail("the RTSP server did not start (needs python3-gi, gir1.2-gst-rtsp-server-1.0 and the"
                        + " gstreamer1.0 plugins, see .ci/run): " + rest);
            }
            Thread.sleep(250);
        }
    }

    /** Ends the server (SIGTERM), as a camera that reboots. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        process = null;
    }

    /** Every stream stops sending frames; the RTSP sessions stay up. */
    public void stall() throws IOException {
        command("stall");
    }

    public void resume() throws IOException {
        command("resume");
    }

    private synchronized void command(String c) throws IOException {
        if (commands == null) {
            throw new IllegalStateException("not running");
        }
        commands.write(c + "\n");
        commands.flush();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
