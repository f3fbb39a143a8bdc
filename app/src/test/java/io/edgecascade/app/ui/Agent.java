package io.edgecascade.app.ui;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code edge-cascade run} in a process of its own (so it can be sent signals), its output collected. */
final class Agent implements AutoCloseable {

    private final Process process;
    private final StringBuilder output = new StringBuilder();
    private final Thread pump;

    Agent(Path config) throws IOException {
        this(config, java.util.Map.of());
    }

    /** @param env variables added to the agent's environment (e.g. its tokens) */
    Agent(Path config, java.util.Map<String, String> env) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.edgecascade.app.cli.Main", "run", "--config", config.toString()).redirectErrorStream(true);
        builder.environment().putAll(env);
        process = builder.start();
        pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                        output.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "agent-output");
        pump.start();
    }

    /** Waits until the output holds {@code text}; fails with the output when it does not within the time. */
    void await(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (output) {
            while (output.indexOf(text) < 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !process.isAlive() && output.indexOf(text) < 0) {
                    throw new AssertionError("the agent did not print '" + text + "':\n" + output);
                }
                output.wait(Math.min(left, 500));
            }
        }
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " failed");
        }
    }

    /** SIGTERM, then the exit code. */
    int stop() throws Exception {
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the agent did not stop after SIGTERM:\n" + output());
        }
        pump.join(10_000);
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
