package io.edgecascade.jetson.tegra;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code tegrastats --interval MS} and hands each line it prints, parsed, to a consumer, on one reader thread
 * that {@link #start} makes and {@link #close} ends (with the process). Lines that do not parse are logged once
 * and skipped; a tegrastats that exits ends the readings, never the agent.
 */
public final class TegraStatsMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TegraStatsMonitor.class);

    /** Where JetPack installs tegrastats. */
    public static final List<Path> LOCATIONS = List.of(Path.of("/usr/bin/tegrastats"), Path.of("/usr/sbin/tegrastats"));

    private final Process process;
    private final Thread reader;

    private TegraStatsMonitor(Process process, Thread reader) {
        this.process = process;
        this.reader = reader;
    }

    /** This Jetson's tegrastats, if installed. */
    public static Optional<Path> find() {
        return LOCATIONS.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * Starts {@code command --interval intervalMs} and feeds its lines to {@code samples}.
     *
     * @throws IOException when the command cannot start
     */
    public static TegraStatsMonitor start(List<String> command, long intervalMs, Consumer<TegraSample> samples)
            throws IOException {
        List<String> argv = new java.util.ArrayList<>(command);
        argv.add("--interval");
        argv.add(Long.toString(intervalMs));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        Thread t = new Thread(() -> read(p, samples), "tegrastats-reader");
        t.setDaemon(true);
        t.start();
        return new TegraStatsMonitor(p, t);
    }

    private static void read(Process p, Consumer<TegraSample> samples) {
        boolean warned = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                try {
                    samples.accept(TegraSample.parse(line));
                } catch (IllegalArgumentException e) {
                    if (!warned) {
                        LOG.warn("tegrastats: skipping a line this version cannot read: {}", line);
                        warned = true;
                    }
                }
            }
        } catch (IOException e) {
            // the process was stopped (close) or died: the readings end
        }
    }

    /** True while tegrastats runs. */
    public boolean running() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
