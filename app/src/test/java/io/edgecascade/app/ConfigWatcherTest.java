package io.edgecascade.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.app.testing.ConfigMapVolume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConfigWatcher} on the real file system (inotify): the three ways a config file changes under a running
 * agent (an edit in place, a file renamed over it, a Kubernetes ConfigMap volume's {@code ..data} symlink swap),
 * each reloaded once with the new content; a touch without a new content is not a change.
 */
class ConfigWatcherTest {

    /** Generous: the watcher's own bound is about 1.2 s (poll + settle), but CI machines are loaded. */
    private static final long DEADLINE_MS = 15_000;

    @TempDir
    Path dir;

    /** What each reload read, in order. */
    private final List<String> reloads = new ArrayList<>();

    private Runnable recorder(Path file) {
        return () -> {
            try {
                String content = Files.readString(file);
                synchronized (reloads) {
                    reloads.add(content);
                    reloads.notifyAll();
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        };
    }

    /** Waits for the n-th reload; its content. */
    private String awaitReload(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
        synchronized (reloads) {
            while (reloads.size() < n) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("reload " + n + " did not come within " + DEADLINE_MS + " ms; got "
                            + reloads);
                }
                reloads.wait(left);
            }
            return reloads.get(n - 1);
        }
    }

    @Test
    void anEditInPlaceIsReloadedOnceAndATouchIsNot() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), "a: 1\n");
        try (ConfigWatcher w = ConfigWatcher.start(config, recorder(config))) {
            Files.writeString(config, "a: 2\n"); // truncates and writes the same inode
            assertEquals("a: 2\n", awaitReload(1));
            Files.setLastModifiedTime(config, FileTime.fromMillis(System.currentTimeMillis() + 5000));
            Files.writeString(config, "a: 3\n");
            assertEquals("a: 3\n", awaitReload(2));
        }
        synchronized (reloads) {
            assertEquals(List.of("a: 2\n", "a: 3\n"), reloads, "one reload per new content, none for the touch");
        }
    }

    @Test
    void aFileRenamedOverItIsReloaded() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), "a: 1\n");
        try (ConfigWatcher w = ConfigWatcher.start(config, recorder(config))) {
            Path tmp = Files.writeString(dir.resolve(".config.yaml.swp"), "a: 2\n");
            Files.move(tmp, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("a: 2\n", awaitReload(1));
            // and again: the watch follows the new inode
            tmp = Files.writeString(dir.resolve(".config.yaml.swp"), "a: 3\n");
            Files.move(tmp, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("a: 3\n", awaitReload(2));
        }
    }

    @Test
    void aConfigMapVolumeUpdateIsReloaded() throws Exception {
        ConfigMapVolume volume = new ConfigMapVolume(dir);
        Path config = volume.publish("a: 1\n");
        try (ConfigWatcher w = ConfigWatcher.start(config, recorder(config))) {
            volume.publish("a: 2\n");
            assertEquals("a: 2\n", awaitReload(1));
            volume.publish("a: 3\n");
            assertEquals("a: 3\n", awaitReload(2));
        }
    }

    @Test
    void aBusyFolderDoesNotHoldTheReload() throws Exception {
        // the images keep the events file beside config.yaml in /data: it changes many times a second
        Path config = Files.writeString(dir.resolve("config.yaml"), "a: 1\n");
        Path events = dir.resolve("events.jsonl");
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try {
                while (writing.get()) {
                    Files.writeString(events, "{}\n", java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                    Thread.sleep(5);
                }
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        }, "events-writer");
        writer.start();
        try (ConfigWatcher w = ConfigWatcher.start(config, recorder(config))) {
            Files.writeString(config, "a: 2\n");
            assertEquals("a: 2\n", awaitReload(1));
            Files.writeString(config, "a: 3\n");
            assertEquals("a: 3\n", awaitReload(2));
        } finally {
            writing.set(false);
            writer.join();
        }
        synchronized (reloads) {
            assertEquals(2, reloads.size(), "the events file's writes are not config changes: " + reloads);
        }
    }

    @Test
    void afterCloseNothingIsReloaded() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), "a: 1\n");
        ConfigWatcher w = ConfigWatcher.start(config, recorder(config));
        Files.writeString(config, "a: 2\n");
        awaitReload(1);
        w.close();
        Files.writeString(config, "a: 3\n");
        // the thread is gone once close returns: nothing can run the reload any more
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("config-watch")
                && t.isAlive()), "the config-watch thread is still alive after close");
        synchronized (reloads) {
            assertEquals(1, reloads.size(), reloads.toString());
        }
    }
}
