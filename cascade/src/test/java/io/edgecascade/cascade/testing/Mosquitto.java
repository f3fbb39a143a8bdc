package io.edgecascade.cascade.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MQTT broker for a test: Debian's {@code mosquitto}, on a free loopback port, with a password file (made with
 * {@code mosquitto_passwd}), optionally TLS only, and persistence, so a session and its queued QoS 1 messages survive a
 * {@link #stop()} and {@link #start()} on the same port.
 */
public final class Mosquitto implements AutoCloseable {

    public static final String USER = "edge";
    public static final String PASSWORD = "s3cret-broker-password";

    private final Path dir;
    private final int port;
    private final Path config;
    private Process process;

    private Mosquitto(Path dir, int port, Path config) {
        this.dir = dir;
        this.port = port;
        this.config = config;
    }

    /** The broker's program: on the PATH, or in /usr/sbin where Debian puts it. */
    static Path program(String name) {
        Path sbin = Path.of("/usr/sbin", name);
        return Files.isExecutable(sbin) ? sbin : ExternalTool.require(name);
    }

    /** A broker with user {@link #USER} / {@link #PASSWORD}, plain TCP. */
    public static Mosquitto start(Path dir) throws Exception {
        return start(dir, null, false);
    }

    /** A broker that also lets clients in without a user (as Debian's own default listener does), plain TCP. */
    public static Mosquitto startAnonymous(Path dir) throws Exception {
        return start(dir, null, true);
    }

    /** A broker with user and password; with {@code tls} (server certificate and key, and the CA) TLS only. */
    public static Mosquitto start(Path dir, Certificates.Pair server, Path ca) throws Exception {
        return start(dir, new Certificates.Pair[] {server, new Certificates.Pair(ca, null)}, false);
    }

    private static Mosquitto start(Path dir, Certificates.Pair[] tls, boolean anonymous) throws Exception {
        Path mosquitto = program("mosquitto");
        Path passwd = program("mosquitto_passwd");
        Files.createDirectories(dir);
        Path passwords = dir.resolve("passwords");
        run(List.of(passwd.toString(), "-b", "-c", passwords.toString(), USER, PASSWORD));
        int port = freePort();
        Path data = Files.createDirectories(dir.resolve("data"));
        StringBuilder conf = new StringBuilder();
        // started by root (CI), mosquitto would switch to its own user, who cannot write the test's folder
        conf.append("user ").append(System.getProperty("user.name")).append('\n');
        conf.append("per_listener_settings false\n");
        conf.append("allow_anonymous ").append(anonymous).append('\n');
        conf.append("password_file ").append(passwords).append('\n');
        conf.append("persistence true\n");
        conf.append("persistence_location ").append(data).append("/\n");
        conf.append("log_dest file ").append(dir.resolve("mosquitto.log")).append('\n');
        conf.append("log_type all\n");
        conf.append("listener ").append(port).append(" 127.0.0.1\n");
        if (tls != null) {
            conf.append("certfile ").append(tls[0].cert()).append('\n');
            conf.append("keyfile ").append(tls[0].key()).append('\n');
            conf.append("cafile ").append(tls[1].cert()).append('\n');
        }
        Path config = dir.resolve("mosquitto.conf");
        Files.writeString(config, conf.toString());
        Mosquitto m = new Mosquitto(dir, port, config);
        m.start();
        return m;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, command + ": " + out);
    }

    public int port() {
        return port;
    }

    /** Starts (again) on the same port and waits until it accepts connections. */
    public synchronized void start() throws Exception {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(program("mosquitto").toString(), "-c", config.toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.out").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("mosquitto exited at start: " + Files.readString(dir.resolve("mosquitto.out"))
                        + log());
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        fail("mosquitto did not listen on " + port + " within 60 s" + log());
    }

    /** Stops it (SIGTERM: it saves its sessions) and waits until it has exited. */
    public synchronized void stop() throws Exception {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    /** The broker's log so far (for failure messages). */
    public String log() {
        try {
            Path log = dir.resolve("mosquitto.log");
            return Files.exists(log) ? "\nmosquitto log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
