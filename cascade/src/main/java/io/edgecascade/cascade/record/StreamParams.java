package io.edgecascade.cascade.record;

import java.util.Arrays;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.javacpp.BytePointer;

/**
 * What an mp4 header needs to describe one connection's video stream, copied out of FFmpeg (its
 * {@code AVCodecParameters} belong to the connection and go away with it): codec, size, pixel format, colour
 * description, the codec's extradata (SPS/PPS) and the stream's time base. Packets of a connection refer to the same
 * instance; a reconnect makes a new one (a new segment of the ring).
 */
public record StreamParams(String codecName, int codecId, int width, int height, int format, int profile, int level,
        int fieldOrder, int sarNum, int sarDen, int colorRange, int colorPrimaries, int colorTrc, int colorSpace,
        int chromaLocation, int videoDelay, byte[] extradata, int timeBaseNum, int timeBaseDen) {

    public StreamParams {
        extradata = extradata == null ? new byte[0] : extradata.clone();
        if (timeBaseNum <= 0 || timeBaseDen <= 0) {
            throw new IllegalArgumentException("time base " + timeBaseNum + "/" + timeBaseDen);
        }
    }

    /** For tests of the ring: only what it looks at. */
    public static StreamParams of(String codecName, int timeBaseNum, int timeBaseDen) {
        return new StreamParams(codecName, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, new byte[0], timeBaseNum,
                timeBaseDen);
    }

    /** A copy of the stream's parameters, valid after its connection is gone. */
    public static StreamParams of(AVStream stream) {
        AVCodecParameters p = stream.codecpar();
        byte[] extra = new byte[Math.max(0, p.extradata_size())];
        if (extra.length > 0) {
            p.extradata().get(extra);
        }
        BytePointer name = org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name(p.codec_id());
        return new StreamParams(name == null ? "unknown" : name.getString(), p.codec_id(), p.width(), p.height(),
                p.format(), p.profile(), p.level(), p.field_order(), p.sample_aspect_ratio().num(),
                p.sample_aspect_ratio().den(), p.color_range(), p.color_primaries(), p.color_trc(), p.color_space(),
                p.chroma_location(), p.video_delay(), extra, stream.time_base().num(), stream.time_base().den());
    }

    /** Fills an output stream's parameters (its extradata allocated by FFmpeg, freed with the stream). */
    void copyTo(AVCodecParameters p) {
        p.codec_type(org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO);
        p.codec_id(codecId);
        p.codec_tag(0);
        p.width(width);
        p.height(height);
        p.format(format);
        p.profile(profile);
        p.level(level);
        p.field_order(fieldOrder);
        p.sample_aspect_ratio().num(sarNum).den(sarDen);
        p.color_range(colorRange);
        p.color_primaries(colorPrimaries);
        p.color_trc(colorTrc);
        p.color_space(colorSpace);
        p.chroma_location(chromaLocation);
        p.video_delay(videoDelay);
        if (extradata.length > 0) {
            BytePointer extra = new BytePointer(org.bytedeco.ffmpeg.global.avutil.av_mallocz(
                    extradata.length + org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE));
            extra.put(extradata);
            p.extradata(extra);
            p.extradata_size(extradata.length);
        }
    }

    @Override
    public byte[] extradata() {
        return extradata.clone();
    }

    @Override
    public boolean equals(Object o) {
        return this == o; // one instance per connection: a reconnect is a new segment even with equal values
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return codecName + " " + width + "x" + height + " (" + extradata.length + " bytes of extradata)";
    }
}
