package io.edgecascade.app.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code edge-cascade run} in its own JVM, as a user starts it, with its output collected line by line. */
public final class AgentProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread pump;

    private AgentProcess(Process process) {
        this.process = process;
        this.pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "agent-output");
        pump.start();
    }

    /** Starts {@code run --config config --summary summary [options]} on this test's class path. */
    public static AgentProcess run(Path config, Path summary, String... options) throws IOException {
        return run(config, summary, java.util.Map.of(), options);
    }

    /**
     * Like {@link #run(Path, Path, String...)}, with {@code env} added to its environment (e.g. its tokens); an
     * {@code EDGE_CASCADE_CLASSPATH} there is added to the class path, as the distribution's launcher adds it.
     */
    public static AgentProcess run(Path config, Path summary, java.util.Map<String, String> env, String... options)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String extra = env.get("EDGE_CASCADE_CLASSPATH");
        String classPath = System.getProperty("java.class.path")
                + (extra == null ? "" : System.getProperty("path.separator") + extra);
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", classPath,
                "io.edgecascade.app.cli.Main", "run", "--config", config.toString(), "--summary", summary.toString()));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        return new AgentProcess(builder.start());
    }

    /** Lines so far that contain {@code text}. */
    public int count(String text) {
        synchronized (lines) {
            return (int) lines.stream().filter(l -> l.contains(text)).count();
        }
    }

    /** Waits until at least {@code n} lines contain {@code text}; false on timeout or exit. */
    public boolean await(String text, int n, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lines) {
            while (count(text) < n) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !process.isAlive() && !pump.isAlive()) {
                    return count(text) >= n;
                }
                lines.wait(Math.min(left, 200));
            }
            return true;
        }
    }

    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** Waits for the agent to end by itself (a file source ends); its exit code, or -1 when it did not in time. */
    public int awaitExit(long millis) throws InterruptedException {
        if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            return -1;
        }
        pump.join(10_000);
        return process.exitValue();
    }

    /** SIGTERM, without waiting. */
    public void sigterm() {
        process.toHandle().destroy();
    }

    /** SIGTERM (through the handle, so our end of its output stays open), then waits; the exit code or -1. */
    public int terminate(long millis) throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            return -1;
        }
        pump.join(10_000);
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        pump.join(10_000);
    }
}
