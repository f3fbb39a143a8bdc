package io.edgecascade.cascade.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code mosquitto_sub} as a test's subscriber: QoS 1 with a persistent session ({@code -c}), so it gets what
 * was published while it reconnected after a broker restart; one {@code topic payload} line per text message.
 */
public final class MosquittoSub implements AutoCloseable {

    private static final String PROBE = "edge-cascade-test-probe";

    private final Process process;
    private final Path out;

    private MosquittoSub(Process process, Path out) {
        this.process = process;
        this.out = out;
    }

    /** Subscribes to {@code topic} on {@code broker} as {@link Mosquitto#USER}, once the broker acknowledged it. */
    public static MosquittoSub start(Mosquitto broker, String topic, Path dir) throws Exception {
        Path out = Files.createTempFile(dir, "mosquitto_sub-", ".txt");
        Process p = new ProcessBuilder(Mosquitto.program("mosquitto_sub").toString(), "-h", "127.0.0.1", "-p",
                Integer.toString(broker.port()), "-u", Mosquitto.USER, "-P", Mosquitto.PASSWORD, "-c", "-i",
                "sub-" + UUID.randomUUID(), "-q", "1", "-t", topic, "-v", "-d").redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        MosquittoSub s = new MosquittoSub(p, out);
        // it writes its output when a message comes: a probe says it is subscribed
        long[] next = {0};
        Conditions.waitFor("mosquitto_sub subscribed", () -> {
            if (s.raw().contains(" " + PROBE)) {
                return true;
            }
            if (System.nanoTime() - next[0] > 0) {
                next[0] = System.nanoTime() + 500_000_000L;
                publish(broker, topic.replace("#", "probe").replace("+", "probe"), PROBE);
            }
            return false;
        });
        return s;
    }

    /** Publishes {@code text} on {@code topic} with Debian's {@code mosquitto_pub} (QoS 1). */
    public static void publish(Mosquitto broker, String topic, String text) {
        try {
            Process p = new ProcessBuilder(Mosquitto.program("mosquitto_pub").toString(), "-h", "127.0.0.1", "-p",
                    Integer.toString(broker.port()), "-u", Mosquitto.USER, "-P", Mosquitto.PASSWORD, "-q", "1", "-t",
                    topic, "-m", text).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String raw() {
        try {
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The {@code topic payload} lines received so far (its debug lines left out). */
    public List<String> lines() {
        return raw().lines().filter(l -> !l.startsWith("Client ") && !l.startsWith("Subscribed (")
                && !l.endsWith(" " + PROBE) && !l.isBlank()).toList();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
