package io.edgecascade.app.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A folder laid out and updated the way the kubelet updates a ConfigMap volume: {@code config.yaml ->
 * ..data/config.yaml}, {@code ..data -> ..TIMESTAMP}; an update writes a new timestamped folder, points
 * {@code ..data_tmp} at it, renames that over {@code ..data} (atomic) and then deletes the old folder.
 */
public final class ConfigMapVolume {

    private final Path dir;
    private int version;
    private Path current;

    public ConfigMapVolume(Path dir) {
        this.dir = dir;
    }

    /** Publishes a new content; returns the path the agent reads ({@code DIR/config.yaml}). */
    public Path publish(String content) throws IOException {
        Path next = dir.resolve("..2026_01_01_00_00_00." + (++version));
        Files.createDirectory(next);
        Files.writeString(next.resolve("config.yaml"), content);
        Path tmp = dir.resolve("..data_tmp");
        Files.createSymbolicLink(tmp, next.getFileName());
        Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path link = dir.resolve("config.yaml");
        if (!Files.isSymbolicLink(link)) {
            Files.createSymbolicLink(link, Path.of("..data", "config.yaml"));
        }
        if (current != null) {
            Files.delete(current.resolve("config.yaml"));
            Files.delete(current);
        }
        current = next;
        return link;
    }
}
