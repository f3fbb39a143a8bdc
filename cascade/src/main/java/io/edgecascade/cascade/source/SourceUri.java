package io.edgecascade.cascade.source;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A camera's {@code source:} parsed into what FFmpeg needs: a plain path or {@code file:} URI is a video
 * file; {@code rtsp://}, {@code rtsps://}, {@code rtmp://}, {@code http(s)://}, {@code srt://}, {@code udp://}
 * are network streams; {@code /dev/videoN} or {@code usb:N} is a V4L2 USB camera.
 *
 * @param location what FFmpeg opens (path, URL or device)
 * @param format   the FFmpeg input format to force, or null to probe
 * @param live     false only for files
 */
public record SourceUri(String location, String format, boolean live) {

    private static final Set<String> NETWORK_SCHEMES = Set.of("rtsp", "rtsps", "rtmp", "rtmps", "http", "https",
            "srt", "udp", "tcp");
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):(.*)$");
    private static final Pattern USB = Pattern.compile("^usb:(\\d+)$");
    private static final Pattern CREDENTIALS = Pattern.compile("//[^/@]*@");

    /** Parses a config value; throws with a message listing the supported forms. */
    public static SourceUri parse(String source) throws SourceException {
        if (source == null || source.isBlank()) {
            throw new SourceException("source is empty; set it to a video file path, an rtsp:// URL or usb:0");
        }
        String s = source.trim();
        var usb = USB.matcher(s);
        if (usb.matches()) {
            return new SourceUri("/dev/video" + usb.group(1), "video4linux2", true);
        }
        if (s.startsWith("/dev/video")) {
            return new SourceUri(s, "video4linux2", true);
        }
        var m = SCHEME.matcher(s);
        if (m.matches() && m.group(1).length() > 1) { // one letter would be a Windows drive, not a scheme
            String scheme = m.group(1).toLowerCase(Locale.ROOT);
            if (scheme.equals("file")) {
                return new SourceUri(Path.of(URI.create(s)).toString(), null, false);
            }
            if (NETWORK_SCHEMES.contains(scheme)) {
                return new SourceUri(s, null, true);
            }
            throw new SourceException("unsupported source scheme '" + scheme + ":' in " + redact(s)
                    + "; use a file path, file://, rtsp://, rtsps://, rtmp://, http(s)://, srt://, udp:// or usb:N");
        }
        return new SourceUri(s, null, false);
    }

    /** The location with any {@code user:password@} replaced, for logs and errors. */
    public static String redact(String location) {
        return CREDENTIALS.matcher(location).replaceAll("//***@");
    }

    @Override
    public String toString() {
        return redact(location);
    }
}
