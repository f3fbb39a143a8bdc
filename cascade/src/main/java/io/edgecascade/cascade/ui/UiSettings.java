package io.edgecascade.cascade.ui;

import io.edgecascade.cascade.http.AccessRules;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The agent's web page (config section {@code ui:}).
 *
 * @param enabled      false: no page ({@code ui.listen: 0}, the default outside {@code demo})
 * @param host         address to bind
 * @param port         TCP port, 0 for any free one
 * @param persist      tuning from the page is also written back into the config file
 * @param previewFps   the live view's frame rate cap
 * @param previewWidth the live view's width in pixels (scaled down, never up)
 * @param access       {@code ui.allowed_hosts} and {@code ui.token}
 * @param tlsCert      {@code ui.tls_cert}: the certificate chain (PEM) of an HTTPS page, or null for HTTP
 * @param tlsKey       {@code ui.tls_key}: its private key (PEM); set exactly when {@code tlsCert} is
 */
public record UiSettings(boolean enabled, String host, int port, boolean persist, int previewFps, int previewWidth,
        AccessRules access, Path tlsCert, Path tlsKey) {

    public static final int DEFAULT_FPS = 5;
    public static final int DEFAULT_WIDTH = 640;
    public static final UiSettings OFF = new UiSettings(false, "127.0.0.1", 0, false, DEFAULT_FPS, DEFAULT_WIDTH);

    public UiSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (previewFps < 1 || previewFps > 30) {
            throw new IllegalArgumentException("preview_fps must be 1..30");
        }
        if (previewWidth < 64 || previewWidth > 3840) {
            throw new IllegalArgumentException("preview_width must be 64..3840");
        }
        Objects.requireNonNull(access, "access");
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("TLS needs both tls_cert and tls_key");
        }
    }

    /** A page without token, extra host names or TLS. */
    public UiSettings(boolean enabled, String host, int port, boolean persist, int previewFps, int previewWidth) {
        this(enabled, host, port, persist, previewFps, previewWidth, AccessRules.NONE, null, null);
    }

    /** This page with other access rules. */
    public UiSettings withAccess(AccessRules newAccess) {
        return new UiSettings(enabled, host, port, persist, previewFps, previewWidth, newAccess, tlsCert, tlsKey);
    }

    /** This page served over HTTPS with this certificate chain and key (PEM files). */
    public UiSettings withTls(Path cert, Path key) {
        return new UiSettings(enabled, host, port, persist, previewFps, previewWidth, access, cert, key);
    }

    /** True when the page is served over HTTPS. */
    public boolean tls() {
        return tlsCert != null;
    }

    @Override
    public String toString() {
        return enabled ? (host.contains(":") ? "[" + host + "]" : host) + ":" + port : "off";
    }
}
