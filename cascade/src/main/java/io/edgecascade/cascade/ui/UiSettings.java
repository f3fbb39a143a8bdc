package io.edgecascade.cascade.ui;

/**
 * The agent's web page (config section {@code ui:}).
 *
 * @param enabled      false: no page ({@code ui.listen: 0}, the default outside {@code demo})
 * @param host         address to bind
 * @param port         TCP port, 0 for any free one
 * @param persist      tuning from the page is also written back into the config file
 * @param previewFps   the live view's frame rate cap
 * @param previewWidth the live view's width in pixels (scaled down, never up)
 */
public record UiSettings(boolean enabled, String host, int port, boolean persist, int previewFps, int previewWidth) {

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
    }

    @Override
    public String toString() {
        return enabled ? (host.contains(":") ? "[" + host + "]" : host) + ":" + port : "off";
    }
}
