package io.edgecascade.app;

import io.edgecascade.app.config.AppConfig;
import io.edgecascade.app.config.ConfigException;
import io.edgecascade.app.config.ConfigLoader;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.Cascade;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the config file of a running agent (on SIGHUP): validates it as {@code run} does; when it is valid,
 * applies the values that change without a restart (each camera's {@code motion.threshold}, {@code motion.min_area}
 * and {@code detector.confidence}) with one log line per change, and says in one line when other changes need a
 * restart; when it is not valid, says so in one line and keeps running as before. SIGHUP and
 * {@code --watch-config} ({@link ConfigWatcher}) run the same reload, one at a time.
 */
public final class ConfigReload implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    private final Path file;
    private final ConfigLoader loader;
    private final Cascade cascade;
    private final AppConfig started;

    /** @param started the config the run started with */
    public ConfigReload(Path file, ConfigLoader loader, Cascade cascade, AppConfig started) {
        this.file = file;
        this.loader = loader;
        this.cascade = cascade;
        this.started = started;
    }

    @Override
    public synchronized void run() {
        AppConfig next;
        try {
            next = loader.load(file);
        } catch (ConfigException e) {
            LOG.error("config reload: {} is not valid, keeping the running config: {}", file,
                    String.join("; ", e.problems()));
            return;
        } catch (RuntimeException e) {
            LOG.error("config reload: cannot read {}, keeping the running config: {}", file, e.toString());
            return;
        }
        int changes = 0;
        List<CameraSettings> asStarted = new ArrayList<>();
        for (CameraSettings c : next.cameras()) {
            CameraSettings running = cascade.camera(c.id());
            if (running == null) {
                asStarted.add(c);
                continue;
            }
            Tunables before = Tunables.of(running);
            Tunables after = Tunables.of(c);
            List<String> diff = after.changesFrom(before);
            if (!diff.isEmpty()) {
                cascade.retune(c.id(), after.threshold(), after.minArea(), after.confidence());
            }
            // logged once applied: whoever reads the line (a user, a test) finds the value in effect
            diff.forEach(change -> LOG.info("config reload: camera {} {}", c.id(), change));
            changes += diff.size();
            CameraSettings first = started.cameras().stream().filter(s -> s.id().equals(c.id())).findFirst()
                    .orElse(null);
            asStarted.add(first == null ? c : Tunables.of(first).applyTo(c));
        }
        if (!next.withCameras(asStarted).equals(started)) {
            LOG.warn("config reload: {} has changes besides motion.threshold, motion.min_area and"
                    + " detector.confidence; restart the agent to apply them", file);
        } else if (changes == 0) {
            LOG.info("config reload: {} read, no value changed", file);
        }
    }
}
