package io.edgecascade.app;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a config file and runs the reload (the same {@link ConfigReload} SIGHUP runs) when its content changes:
 * an edit in place, an editor's write-and-rename, and a Kubernetes ConfigMap volume update, where
 * {@code config.yaml} is a symlink through {@code ..data}, itself a symlink that the kubelet swaps atomically to
 * a new timestamped folder (the file's own name never changes, only what it resolves to).
 *
 * <p>One thread ({@code config-watch}) waits on inotify (a {@link WatchService}) for the folders the file and its
 * resolved target live in, and also looks every {@code poll} on its own, so a change that produced no event (a
 * folder swapped under a watched one, a network file system) is still seen. Only events about the file's own
 * names and the kubelet's {@code ..}-names count: the folder may be busy with other files (the images keep the
 * events file beside {@code config.yaml} in {@code /data}). A change counts when the content's SHA-256 differs from
 * the last one seen; it is reloaded once the content has been the same, with no event about it, for
 * {@code settle} (an editor that truncates and then writes is read once, whole). A file that is briefly missing (between an
 * unlink and a rename) is waited for; the reload itself says when the new content is not valid, once per change.
 * Lifecycle: {@link #start}, {@link #close()} (stops the thread and waits for it).
 */
public final class ConfigWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
    /** How often the file is looked at without an event. */
    static final long POLL_MILLIS = 1000;
    /** How long new content must stay the same before it is reloaded. */
    static final long SETTLE_MILLIS = 150;

    private final Path file;
    private final Runnable reload;
    private final WatchService watcher;
    private final Map<Path, WatchKey> watched = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;
    private byte[] lastDigest;
    private boolean unreadable;
    /** File names in the watched folders whose events count: the file's own and its resolved target's. */
    private final Set<Path> names = new java.util.HashSet<>();

    private ConfigWatcher(Path file, Runnable reload, WatchService watcher) {
        this.file = file;
        this.reload = reload;
        this.watcher = watcher;
        this.thread = new Thread(this::loop, "config-watch");
        this.thread.setDaemon(true);
    }

    /**
     * Starts watching {@code file}, whose current content counts as already loaded.
     *
     * @param reload run on the watcher's thread after each change (must not throw; {@link ConfigReload} logs)
     * @throws IOException when the file's folder cannot be watched (the message names it)
     */
    public static ConfigWatcher start(Path file, Runnable reload) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        WatchService service;
        try {
            service = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            throw new IOException("--watch-config: cannot watch " + absolute + " (" + e.getMessage()
                    + "); raise fs.inotify.max_user_instances or run without --watch-config", e);
        }
        ConfigWatcher w = new ConfigWatcher(absolute, reload, service);
        try {
            w.lastDigest = w.digest();
            w.register();
        } catch (IOException e) {
            service.close();
            throw new IOException("--watch-config: cannot watch the folder of " + absolute + " (" + e + ")", e);
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        w.thread.start();
        LOG.info("watching {} for changes (reloaded like SIGHUP)", absolute);
        return w;
    }

    private void loop() {
        try {
            long looked = System.nanoTime();
            while (!closed) {
                WatchKey key = watcher.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                boolean relevant = drain(key);
                if (!relevant && System.nanoTime() - looked < TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)) {
                    continue; // another file of the folder changed
                }
                looked = System.nanoTime();
                byte[] now = digest();
                if (now == null || Arrays.equals(now, lastDigest)) {
                    continue;
                }
                byte[] settled = settle(now);
                if (settled == null || closed) {
                    continue;
                }
                lastDigest = settled;
                register(); // the file may now resolve into another folder
                reload.run();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        } catch (RuntimeException | IOException e) {
            LOG.error("config watch of {} stopped: {}; SIGHUP still reloads", file, e.toString());
        }
    }

    /**
     * Waits until the content has stayed the same, with no event about the file, for {@link #SETTLE_MILLIS}; its
     * digest, or null when the file went missing meanwhile.
     */
    private byte[] settle(byte[] seen) throws InterruptedException {
        byte[] current = seen;
        long stableSince = System.nanoTime();
        while (!closed) {
            long left = SETTLE_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stableSince);
            if (left <= 0) {
                return current;
            }
            boolean relevant = drain(watcher.poll(left, TimeUnit.MILLISECONDS));
            byte[] again = digest();
            if (again == null) {
                return null;
            }
            if (relevant || !Arrays.equals(again, current)) {
                current = again;
                stableSince = System.nanoTime();
            }
        }
        return null;
    }

    /** Takes every pending event; true when one is about the file (or events were lost). */
    private boolean drain(WatchKey key) throws InterruptedException {
        boolean relevant = false;
        while (key != null) {
            for (WatchEvent<?> e : key.pollEvents()) {
                relevant |= e.kind() == StandardWatchEventKinds.OVERFLOW || e.context() instanceof Path p
                        && (names.contains(p) || p.toString().startsWith(".."));
            }
            key.reset();
            key = watcher.poll();
        }
        return relevant;
    }

    /** Watches the folder of the path as given and the folder of what it resolves to now. */
    private void register() throws IOException {
        Set<Path> folders = new LinkedHashSet<>();
        folders.add(file.getParent());
        names.add(file.getFileName());
        try {
            Path real = file.toRealPath();
            folders.add(real.getParent());
            names.add(real.getFileName());
        } catch (NoSuchFileException e) {
            // only the given folder until the file is back
        }
        watched.entrySet().removeIf(e -> {
            if (!folders.contains(e.getKey())) {
                e.getValue().cancel();
                return true;
            }
            return false;
        });
        for (Path folder : folders) {
            WatchKey key = watched.get(folder);
            if (key == null || !key.isValid()) {
                try {
                    watched.put(folder, folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE));
                } catch (NoSuchFileException e) {
                    // a ConfigMap's old timestamped folder can vanish at any time: the poll covers it
                }
            }
        }
    }

    /** SHA-256 of the file's content now, or null when it cannot be read (missing for a moment, unreadable). */
    private byte[] digest() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (!unreadable) {
                LOG.warn("config watch: cannot read {} ({}); the running config stays until it can", file,
                        e.toString());
                unreadable = true;
            }
            return null;
        }
        unreadable = false;
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this Java runtime", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("closing the config watch: {}", e.toString());
        }
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }

    @Override
    public String toString() {
        return "ConfigWatcher[" + file + "]";
    }
}
