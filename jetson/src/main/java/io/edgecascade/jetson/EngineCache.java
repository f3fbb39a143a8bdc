package io.edgecascade.jetson;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * Serialized TensorRT engines on disk. A plan is only valid for the model, the GPU and the TensorRT version that
 * built it (and the precision it was built for), so all four are in its file name:
 * {@code <dir>/<model stem>-<sha256 of the model, 16 hex>-<gpu slug>-trt<version>-<precision>.plan}. A changed model,
 * a different GPU or an upgraded TensorRT therefore never loads a stale plan; it builds a new one.
 *
 * <p>Plans are written to a temporary file and moved into place, so a crash mid-write leaves no torn plan.
 */
public final class EngineCache {

    private final Path dir;

    public EngineCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** What a plan was built from. */
    public record Key(String modelStem, String modelHash, String gpu, String tensorrtVersion, String precision) {

        /** The file name of the plan. */
        public String fileName() {
            return slug(modelStem) + "-" + modelHash.substring(0, Math.min(16, modelHash.length())) + "-" + slug(gpu)
                    + "-trt" + slug(tensorrtVersion) + "-" + slug(precision) + ".plan";
        }
    }

    /** The key of {@code model} built on {@code gpu} with TensorRT {@code version} for {@code precision}. */
    public static Key key(Path model, String gpu, String version, String precision) throws IOException {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return new Key(dot > 0 ? name.substring(0, dot) : name, sha256(model), gpu, version, precision);
    }

    public Path path(Key key) {
        return dir.resolve(key.fileName());
    }

    /** The plan for {@code key}, when one was saved. */
    public Optional<byte[]> load(Key key) throws IOException {
        Path p = path(key);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(p);
        return bytes.length == 0 ? Optional.empty() : Optional.of(bytes);
    }

    /** Saves a plan atomically; returns where. */
    public Path save(Key key, byte[] plan) throws IOException {
        Files.createDirectories(dir);
        Path target = path(key);
        Path tmp = Files.createTempFile(dir, key.fileName(), ".tmp");
        try {
            Files.write(tmp, plan);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    /** Removes a plan TensorRT refused (built by another version, or corrupt), so the next start rebuilds it. */
    public void discard(Key key) throws IOException {
        Files.deleteIfExists(path(key));
    }

    /** Lower-case letters, digits, '.' and '_' (not at the ends); everything else becomes '_'. */
    static String slug(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._]+", "_").replaceAll("^[._]+|[._]+$", "");
        return t.isEmpty() ? "unknown" : t;
    }

    static String sha256(Path file) throws IOException {
        return io.edgecascade.engines.ModelHash.sha256(file);
    }
}
