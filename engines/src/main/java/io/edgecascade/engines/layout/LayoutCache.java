package io.edgecascade.engines.layout;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers measured layouts in {@code <cache dir>/worker-layouts.properties}, one line per key (model hash, engine,
 * device, CPU, cores): {@code KEY=2x1 1x1:65.2 2x1:130.9 1x2:108.0}. A changed model, engine or machine is a new
 * key, so the cache never answers for something it did not measure. An unreadable cache is measured again.
 */
public final class LayoutCache {

    private static final Logger LOG = LoggerFactory.getLogger(LayoutCache.class);
    static final String FILE = "worker-layouts.properties";

    private final Path file;

    public LayoutCache(Path cacheDir) {
        this.file = cacheDir.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    /** The cached choice for {@code key}, if any. */
    public synchronized Optional<LayoutChoice> get(String key) {
        Properties p = load();
        String v = p.getProperty(key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            String[] parts = v.trim().split("\\s+");
            WorkerLayout chosen = WorkerLayout.parse(parts[0]);
            Map<WorkerLayout, Double> measured = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int colon = parts[i].indexOf(':');
                measured.put(WorkerLayout.parse(parts[i].substring(0, colon)),
                        Double.parseDouble(parts[i].substring(colon + 1)));
            }
            return Optional.of(new LayoutChoice(chosen, measured, true));
        } catch (RuntimeException e) {
            LOG.warn("ignoring unreadable worker-layout cache entry in {}: {}", file, v);
            return Optional.empty();
        }
    }

    /** Stores {@code choice} under {@code key}; a cache that cannot be written is only logged. */
    public synchronized void put(String key, LayoutChoice choice) {
        Properties p = load();
        StringBuilder v = new StringBuilder(choice.layout().toString());
        choice.measured().forEach((l, ips) -> v.append(' ').append(l).append(':')
                .append(String.format(java.util.Locale.ROOT, "%.1f", ips)));
        p.setProperty(key, v.toString());
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), FILE, ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "edge-cascade: measured detector worker layouts (pipeline.detector_workers: auto)");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot write the worker-layout cache {}: {}; it will be measured again next start", file,
                    e.getMessage());
        }
    }

    private Properties load() {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("ignoring unreadable worker-layout cache {}: {}", file, e.getMessage());
            }
        }
        return p;
    }
}
