package io.edgecascade.cascade.record;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FLAG_BACKWARD;
import static org.bytedeco.ffmpeg.global.avformat.av_seek_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * Cuts a clip out of a video file by copying its encoded packets (no decoding, no re-encoding): from the key frame
 * at or before {@code fromMillis} to the first packet after {@code toMillis}, video stream only. A clip of a few
 * seconds costs a few milliseconds of demuxing. The clip is written to a temporary file and moved into place, so
 * a reader never sees half a clip.
 */
public final class ClipWriter {

    /** What was written: its video codec and length. */
    public record Clip(Path path, String codec, long packets, double seconds) {
    }

    private ClipWriter() {
    }

    /**
     * @param fromMillis stream time (ms since the stream's start) the clip must include
     * @param toMillis   stream time it ends after
     */
    public static Clip remux(Path video, long fromMillis, long toMillis, Path out) throws IOException {
        return remux(video, fromMillis, toMillis, out, 0);
    }

    /**
     * A clip of a file played in a loop ({@code loop: true}), whose stream time keeps counting across passes: time
     * {@code t} is {@code t mod periodMillis} of the file, and a clip across the end of a pass goes on from the
     * file's start, its times continuing.
     *
     * @param periodMillis one pass of the looped file ({@link #loopPeriodMillis}); 0 for a file played once
     */
    public static Clip remux(Path video, long fromMillis, long toMillis, Path out, long periodMillis)
            throws IOException {
        Path tmp = out.resolveSibling(out.getFileName() + ".part");
        long packets = 0;
        double first = Double.NaN;
        double last = Double.NaN;
        String codec;
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.start();
            AVFormatContext ctx = grabber.getFormatContext();
            int videoIndex = videoStream(ctx, video);
            AVStream stream = ctx.streams(videoIndex);
            double timeBase = stream.time_base().num() / (double) stream.time_base().den();
            long start = stream.start_time() == AV_NOPTS_VALUE ? 0 : stream.start_time();
            long from = Math.max(0, fromMillis);
            long pass = periodMillis > 0 ? from / periodMillis : 0;
            long passMillis = pass * periodMillis; // stream time of this pass's start
            seek(ctx, videoIndex, start + Math.round((from - passMillis) / 1000.0 / timeBase), video);
            codec = grabber.getVideoCodecName();
            try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(tmp.toFile(), grabber.getImageWidth(),
                    grabber.getImageHeight(), 0)) {
                recorder.setFormat("mp4");
                recorder.setVideoCodec(grabber.getVideoCodec());
                recorder.setFrameRate(grabber.getFrameRate());
                recorder.start(ctx);
                long shift = Long.MIN_VALUE; // the clip's time starts at 0 (its first packet's pts)
                long passTicks = Math.round(passMillis / 1000.0 / timeBase);
                long lastDts = Long.MIN_VALUE;
                boolean newPass = false;
                while (true) {
                    AVPacket p = grabber.grabPacket();
                    if (p == null) {
                        if (periodMillis <= 0 || packets == 0) {
                            break;
                        }
                        // a looped file: the next pass starts where this one ended
                        pass++;
                        passMillis = pass * periodMillis;
                        if (passMillis > toMillis) {
                            break;
                        }
                        passTicks = Math.round(passMillis / 1000.0 / timeBase);
                        seek(ctx, videoIndex, start, video);
                        newPass = true;
                        continue;
                    }
                    try {
                        if (p.stream_index() != videoIndex) {
                            continue;
                        }
                        long pts = p.pts() != AV_NOPTS_VALUE ? p.pts() : p.dts();
                        double ms = passMillis + (pts - start) * timeBase * 1000;
                        if (ms > toMillis && packets > 0 && (p.flags() & 1) != 0 || ms > toMillis + 2000) {
                            break; // past the end: stop at a key frame (or give up waiting for one)
                        }
                        if (newPass && p.dts() != AV_NOPTS_VALUE && p.dts() + passTicks <= lastDts) {
                            passTicks += lastDts + 1 - (p.dts() + passTicks); // decoding times only go up
                        }
                        newPass = false;
                        if (Double.isNaN(first)) {
                            first = ms;
                        }
                        last = ms;
                        if (shift == Long.MIN_VALUE) {
                            shift = pts + passTicks;
                        }
                        if (p.pts() != AV_NOPTS_VALUE) {
                            p.pts(p.pts() + passTicks - shift);
                        }
                        if (p.dts() != AV_NOPTS_VALUE) {
                            p.dts(p.dts() + passTicks - shift);
                            lastDts = p.dts() + shift;
                        }
                        recorder.recordPacket(p);
                        packets++;
                    } finally {
                        av_packet_unref(p);
                    }
                }
                recorder.stop();
            }
        } catch (org.bytedeco.javacv.FrameGrabber.Exception | org.bytedeco.javacv.FrameRecorder.Exception e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot cut a clip of " + video + ": " + e.getMessage(), e);
        }
        if (packets == 0) {
            Files.deleteIfExists(tmp);
            throw new IOException("no video between " + fromMillis + " and " + toMillis + " ms in " + video);
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Clip(out, codec, packets, (last - first) / 1000.0);
    }

    /**
     * How long one pass of a looped file lasts in stream time, as a looped camera counts it: its last frame's time
     * (from its first frame's) plus one frame interval. Reads the file's packets, decodes nothing.
     */
    public static long loopPeriodMillis(Path video) throws IOException {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.start();
            AVFormatContext ctx = grabber.getFormatContext();
            int videoIndex = videoStream(ctx, video);
            AVStream stream = ctx.streams(videoIndex);
            long num = stream.time_base().num();
            long den = stream.time_base().den();
            long firstMicros = Long.MAX_VALUE;
            long lastMicros = Long.MIN_VALUE;
            AVPacket p;
            while ((p = grabber.grabPacket()) != null) {
                try {
                    if (p.stream_index() == videoIndex && p.pts() != AV_NOPTS_VALUE) {
                        // the decoder's frame times, as the camera's source reads them
                        long micros = 1_000_000L * p.pts() * num / den;
                        firstMicros = Math.min(firstMicros, micros);
                        lastMicros = Math.max(lastMicros, micros);
                    }
                } finally {
                    av_packet_unref(p);
                }
            }
            if (firstMicros > lastMicros) {
                throw new IOException(video + " has no timed video packet");
            }
            double fps = grabber.getFrameRate();
            return (lastMicros - firstMicros) / 1000 + (fps > 0 ? Math.round(1000 / fps) : 1);
        } catch (org.bytedeco.javacv.FrameGrabber.Exception e) {
            throw new IOException("cannot read " + video + ": " + e.getMessage(), e);
        }
    }

    private static int videoStream(AVFormatContext ctx, Path video) throws IOException {
        for (int i = 0; i < ctx.nb_streams(); i++) {
            if (ctx.streams(i).codecpar().codec_type() == AVMEDIA_TYPE_VIDEO) {
                return i;
            }
        }
        throw new IOException(video + " has no video stream");
    }

    private static void seek(AVFormatContext ctx, int videoIndex, long target, Path video) throws IOException {
        if (av_seek_frame(ctx, videoIndex, target, AVSEEK_FLAG_BACKWARD) < 0) {
            throw new IOException("cannot seek in " + video);
        }
    }
}
