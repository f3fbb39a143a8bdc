package io.edgecascade.cascade.record;

/**
 * One encoded video packet, copied out of FFmpeg's reused packet.
 *
 * @param params  the stream (connection) it belongs to
 * @param pts     presentation time in the stream's time base ({@code Long.MIN_VALUE}: none)
 * @param dts     decoding time in the stream's time base ({@code Long.MIN_VALUE}: none)
 * @param duration in the stream's time base (0: unknown)
 * @param key     a key frame: a clip may start here
 * @param wallMs  when it was shown (epoch ms), on the camera's own clock anchored to ours: events are matched
 *                against this
 * @param data    the packet's bytes (not copied again: treat as read-only)
 */
public record EncodedPacket(StreamParams params, long pts, long dts, long duration, boolean key, long wallMs,
        byte[] data) {

    public static final long NO_TIME = Long.MIN_VALUE;

    public int size() {
        return data.length;
    }
}
