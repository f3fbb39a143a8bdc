package io.edgecascade.app.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The reference cloud server ({@code edge-cascade cloud}) in its own JVM, as a user starts it, so that a test can
 * SIGKILL it: no goodbye to the calls on the wire.
 */
public final class CloudProcess implements AutoCloseable {

    private final Process process;

    private CloudProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code cloud --listen 127.0.0.1:port --model yolox=model --record record} with its output in {@code log},
     * and returns once it listens (within 60 s).
     */
    public static CloudProcess start(int port, Path model, Path record, Path log) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.edgecascade.app.cli.Main", "cloud", "--listen",
                "127.0.0.1:" + port, "--model", "yolox=" + model, "--record", record.toString(), "--threads", "1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            assertTrue(p.isAlive(), "the cloud server died: " + Files.readString(log));
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new CloudProcess(p);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("the cloud server did not listen within 60 s: " + Files.readString(log));
    }

    /** SIGKILL, and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the cloud server did not die of SIGKILL");
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
