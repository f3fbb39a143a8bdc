package io.edgecascade.app.models;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One file of the sample assets: where it comes from, where it goes under the assets folder, and how to
 * recognise the right file. Either {@code url} (downloaded, checked against {@code size} and
 * {@code sha256}) or {@code lines} (written from this build, for small text files).
 */
public record Asset(String name, URI url, String path, long size, String sha256, List<String> lines) {

    public Asset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        if ((url == null) == (lines == null)) {
            throw new IllegalArgumentException("an asset is downloaded or written, not both");
        }
        lines = lines == null ? null : List.copyOf(lines);
    }

    public static Asset download(String name, String url, String path, long size, String sha256) {
        return new Asset(name, URI.create(url), path, size, sha256, null);
    }

    public static Asset text(String name, String path, List<String> lines) {
        return new Asset(name, null, path, -1, null, lines);
    }
}
