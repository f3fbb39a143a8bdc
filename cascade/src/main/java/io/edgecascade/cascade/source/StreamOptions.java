package io.edgecascade.cascade.source;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a live camera is opened and kept alive.
 *
 * @param rtspTransport  {@code tcp} or {@code udp}, for rtsp:// and rtsps:// sources
 * @param inputOptions   further FFmpeg input options, passed as they are ({@code input_options:})
 * @param stallMillis    no decoded frame for this long (or a connect taking this long) closes the input
 * @param reconnectInitialMillis first backoff ceiling after a failure
 * @param reconnectMaxMillis     backoff ceiling never exceeds this
 * @param loop           files only: start again at the end instead of ending
 * @param hwaccel        live cameras: the hardware decoder to try first ({@code auto}: whatever this box has)
 * @param hwaccelDevice  the device it opens (a render node, a GPU index); null: its default
 */
public record StreamOptions(String rtspTransport, Map<String, String> inputOptions, long stallMillis,
        long reconnectInitialMillis, long reconnectMaxMillis, boolean loop, HwAccel hwaccel, String hwaccelDevice) {

    public static final StreamOptions DEFAULTS = new StreamOptions("tcp", Map.of(), 10_000, 500, 30_000, false);

    /** Options with {@code hwaccel: auto} on the default device. */
    public StreamOptions(String rtspTransport, Map<String, String> inputOptions, long stallMillis,
            long reconnectInitialMillis, long reconnectMaxMillis, boolean loop) {
        this(rtspTransport, inputOptions, stallMillis, reconnectInitialMillis, reconnectMaxMillis, loop, HwAccel.AUTO,
                null);
    }

    public StreamOptions {
        Objects.requireNonNull(rtspTransport, "rtspTransport");
        Objects.requireNonNull(hwaccel, "hwaccel");
        inputOptions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputOptions));
        if (stallMillis < 1 || reconnectInitialMillis < 1 || reconnectMaxMillis < reconnectInitialMillis) {
            throw new IllegalArgumentException("need stall > 0 and 0 < reconnect initial <= max");
        }
    }

    /** These options decoding with {@code accel} on {@code device} (null: the decoder's default device). */
    public StreamOptions withHwaccel(HwAccel accel, String device) {
        return new StreamOptions(rtspTransport, inputOptions, stallMillis, reconnectInitialMillis, reconnectMaxMillis,
                loop, accel, device);
    }

    /**
     * The FFmpeg options for {@code uri}: transport and read timeouts by protocol, then the user's
     * {@code input_options}, which win. The option names differ: for RTSP and UDP {@code timeout} is the socket
     * I/O timeout, but for RTMP it is the time to wait for an incoming connection and turns the client into a
     * server; RTMP, HTTP, TCP and SRT get the generic {@code rw_timeout}. The one table for every FFmpeg source.
     */
    public Map<String, String> ffmpegOptions(SourceUri uri) {
        Map<String, String> o = new LinkedHashMap<>();
        String micros = Long.toString(stallMillis * 1000);
        String scheme = uri.format() != null ? "" : uri.location().replaceFirst(":.*$", "").toLowerCase(
                java.util.Locale.ROOT);
        switch (scheme) {
            case "rtsp", "rtsps" -> {
                o.put("rtsp_transport", rtspTransport);
                o.put("timeout", micros);
            }
            case "udp" -> o.put("timeout", micros);
            case "rtmp", "rtmps", "http", "https", "tcp", "srt" -> o.put("rw_timeout", micros);
            default -> {
                // files and devices: nothing to wait for
            }
        }
        if (uri.live()) {
            // FFmpeg's 5 s default reads 5 s of a stream before the first frame; 0.5 s finds the video's size and
            // rate just as well and brings a camera back that much sooner
            o.put("analyzeduration", "500000");
        }
        o.putAll(inputOptions);
        return o;
    }
}
