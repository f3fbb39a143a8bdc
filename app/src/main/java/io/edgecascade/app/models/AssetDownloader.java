package io.edgecascade.app.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches assets into a folder: streams each to a temporary file, checks its size and SHA-256, and only
 * then moves it into place, so a broken download never leaves a file that looks complete. Files already
 * present with the right checksum are kept.
 */
public final class AssetDownloader {

    private static final Logger LOG = LoggerFactory.getLogger(AssetDownloader.class);

    private final HttpClient http;
    private final URI mirror;

    /** @param mirror a base URL that replaces every asset's origin ({@code mirror/<path>}), or null */
    public AssetDownloader(URI mirror) {
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(15)).build();
        this.mirror = mirror;
    }

    /** What happened to one asset. */
    public enum Result { PRESENT, DOWNLOADED, WRITTEN }

    /** Makes sure {@code asset} is in {@code dir}; throws with a one-line reason and fix. */
    public Result fetch(Asset asset, Path dir) throws DownloadException {
        Path target = dir.resolve(asset.path());
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new DownloadException("cannot create " + target.getParent() + " (" + e.getMessage()
                    + "); choose a writable --dir");
        }
        if (asset.lines() != null) {
            return writeText(asset, target);
        }
        if (Files.isRegularFile(target) && matches(asset, target)) {
            return Result.PRESENT;
        }
        URI from = mirror == null ? asset.url()
                : URI.create(mirror.toString().replaceAll("/+$", "") + "/" + asset.path());
        LOG.info("downloading {} from {}", asset.name(), from);
        Path part = target.resolveSibling("." + target.getFileName() + ".part");
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(from)
                    .timeout(Duration.ofMinutes(5)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new DownloadException("cannot download " + asset.name() + " from " + from + ": HTTP "
                        + response.statusCode() + "; check the URL or use --mirror");
            }
            MessageDigest sha = sha256();
            long size;
            try (InputStream in = new DigestInputStream(response.body(), sha);
                    OutputStream out = Files.newOutputStream(part)) {
                size = in.transferTo(out);
            }
            check(asset, from, size, HexFormat.of().formatHex(sha.digest()));
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Result.DOWNLOADED;
        } catch (UnknownHostException | ConnectException | HttpConnectTimeoutException e) {
            throw new DownloadException("cannot reach " + from.getHost() + " to download " + asset.name()
                    + " (" + e.getClass().getSimpleName() + "); no internet here?", e);
        } catch (HttpTimeoutException e) {
            throw new DownloadException("download of " + asset.name() + " from " + from + " timed out", e);
        } catch (IOException e) {
            throw new DownloadException("download of " + asset.name() + " from " + from + " failed: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException("download of " + asset.name() + " interrupted", e);
        } finally {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // a leftover .part file is overwritten by the next attempt
            }
        }
    }

    private static void check(Asset asset, URI from, long size, String sha) throws DownloadException {
        if (asset.size() >= 0 && size != asset.size()) {
            throw new DownloadException(asset.name() + " from " + from + " is " + size + " bytes, expected "
                    + asset.size() + "; the download was cut short or the server sent another file");
        }
        if (asset.sha256() != null && !asset.sha256().equalsIgnoreCase(sha)) {
            throw new DownloadException(asset.name() + " from " + from + " has sha256 " + sha + ", expected "
                    + asset.sha256() + "; the file is corrupt or not the published one");
        }
    }

    private static Result writeText(Asset asset, Path target) throws DownloadException {
        String content = String.join("\n", asset.lines()) + "\n";
        try {
            if (Files.isRegularFile(target) && Files.readString(target).equals(content)) {
                return Result.PRESENT;
            }
            Path part = target.resolveSibling("." + target.getFileName() + ".part");
            Files.writeString(part, content, StandardCharsets.UTF_8);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Result.WRITTEN;
        } catch (IOException e) {
            throw new DownloadException("cannot write " + target + " (" + e.getMessage() + "); choose a writable --dir",
                    e);
        }
    }

    /** True when the file has the asset's size and checksum (or, for text assets, exists). */
    public static boolean matches(Asset asset, Path file) {
        try {
            if (asset.lines() != null) {
                return Files.isRegularFile(file);
            }
            if (asset.size() >= 0 && Files.size(file) != asset.size()) {
                return false;
            }
            if (asset.sha256() == null) {
                return true;
            }
            MessageDigest sha = sha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return asset.sha256().equalsIgnoreCase(HexFormat.of().formatHex(sha.digest()));
        } catch (IOException e) {
            return false;
        }
    }

    /** Every asset of {@code catalog} missing from {@code dir}. */
    public static List<Asset> missing(List<Asset> catalog, Path dir) {
        return catalog.stream().filter(a -> !Files.isRegularFile(dir.resolve(a.path()))).toList();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** A download failed; the message names the asset, the reason and the fix. */
    public static final class DownloadException extends Exception {
        private static final long serialVersionUID = 1L;

        public DownloadException(String message) {
            super(message);
        }

        public DownloadException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
