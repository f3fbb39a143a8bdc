package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.app.testing.AgentProcess;
import io.edgecascade.app.testing.ConfigMapVolume;
import io.edgecascade.app.testing.TestConfigs;
import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --watch-config} of a real agent (its own JVM, a looping file camera read at real time) whose config
 * lives in a folder laid out and updated the way the kubelet updates a ConfigMap volume: each update is reloaded
 * as SIGHUP reloads (one line per changed value), a broken update is reported in one line and the running config
 * stays, and an edit renamed over the file (an editor, {@code kubectl cp}) is reloaded too.
 */
class WatchConfigTest {

    /** Generous deadlines: the agent loads the model first, and CI machines are loaded. */
    private static final long START_MS = 120_000;
    private static final long RELOAD_MS = 15_000;

    @TempDir
    Path dir;

    private String config(double threshold, String extra) {
        return TestConfigs.head(dir.resolve("events.jsonl"), "{ detector_workers: 1 }") + """
                cameras:
                  - id: cam
                    source: %s
                    realtime: true
                    loop: true
                    motion: { threshold: %s }
                %s""".formatted(TestAssets.personVideo(), (int) threshold, extra);
    }

    @Test
    void configMapUpdatesAndRenamesAreReloadedAndABrokenOneKeepsTheRunningConfig() throws Exception {
        Path volume = Files.createDirectory(dir.resolve("volume"));
        ConfigMapVolume kubelet = new ConfigMapVolume(volume);
        Path config = kubelet.publish(config(25, ""));
        try (AgentProcess agent = AgentProcess.run(config, dir.resolve("summary.json"), "--watch-config")) {
            assertTrue(agent.await("camera cam: reading", 1, START_MS), agent.output());
            assertTrue(agent.await("watching " + config.toAbsolutePath(), 1, 1), agent.output());

            long t0 = System.nanoTime();
            kubelet.publish(config(30, ""));
            assertTrue(agent.await("config reload: camera cam motion.threshold 25 -> 30", 1, RELOAD_MS),
                    agent.output());
            long firstMs = (System.nanoTime() - t0) / 1_000_000;

            kubelet.publish(config(30, "bogus: [\n"));
            assertTrue(agent.await("is not valid, keeping the running config", 1, RELOAD_MS), agent.output());

            // an editor's save: a new file renamed over the link (the ConfigMap layout is gone from here on)
            Path tmp = Files.writeString(volume.resolve(".config.yaml.tmp"), config(35, ""));
            Files.move(tmp, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // 30 -> 35: the broken file changed nothing
            assertTrue(agent.await("config reload: camera cam motion.threshold 30 -> 35", 1, RELOAD_MS),
                    agent.output());
            // an edit in place
            Files.writeString(config, config(40, ""));
            assertTrue(agent.await("config reload: camera cam motion.threshold 35 -> 40", 1, RELOAD_MS),
                    agent.output());

            assertEquals(1, agent.count("is not valid, keeping the running config"),
                    "the broken update is reported once: " + agent.output());
            assertEquals(0, agent.terminate(30_000), agent.output());
            System.out.printf("watch-config: first ConfigMap update reloaded after %d ms%n", firstMs);
        }
    }
}
