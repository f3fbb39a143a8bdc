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
        Path tmp = out.resolveSibling(out.getFileName() + ".part");
        long packets = 0;
        double first = Double.NaN;
        double last = Double.NaN;
        String codec;
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.start();
            AVFormatContext ctx = grabber.getFormatContext();
            int videoIndex = -1;
            for (int i = 0; i < ctx.nb_streams(); i++) {
                if (ctx.streams(i).codecpar().codec_type() == AVMEDIA_TYPE_VIDEO) {
                    videoIndex = i;
                    break;
                }
            }
            if (videoIndex < 0) {
                throw new IOException(video + " has no video stream");
            }
            AVStream stream = ctx.streams(videoIndex);
            double timeBase = stream.time_base().num() / (double) stream.time_base().den();
            long start = stream.start_time() == AV_NOPTS_VALUE ? 0 : stream.start_time();
            long target = start + Math.round(Math.max(0, fromMillis) / 1000.0 / timeBase);
            if (av_seek_frame(ctx, videoIndex, target, AVSEEK_FLAG_BACKWARD) < 0) {
                throw new IOException("cannot seek in " + video);
            }
            codec = grabber.getVideoCodecName();
            try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(tmp.toFile(), grabber.getImageWidth(),
                    grabber.getImageHeight(), 0)) {
                recorder.setFormat("mp4");
                recorder.setVideoCodec(grabber.getVideoCodec());
                recorder.setFrameRate(grabber.getFrameRate());
                recorder.start(ctx);
                AVPacket p;
                long shift = Long.MIN_VALUE; // the clip's time starts at 0 (its first packet's pts)
                while ((p = grabber.grabPacket()) != null) {
                    try {
                        if (p.stream_index() != videoIndex) {
                            continue;
                        }
                        long pts = p.pts() != AV_NOPTS_VALUE ? p.pts() : p.dts();
                        double ms = (pts - start) * timeBase * 1000;
                        if (ms > toMillis && packets > 0 && (p.flags() & 1) != 0 || ms > toMillis + 2000) {
                            break; // past the end: stop at a key frame (or give up waiting for one)
                        }
                        if (Double.isNaN(first)) {
                            first = ms;
                        }
                        last = ms;
                        if (shift == Long.MIN_VALUE) {
                            shift = pts;
                        }
                        if (p.pts() != AV_NOPTS_VALUE) {
                            p.pts(p.pts() - shift);
                        }
                        if (p.dts() != AV_NOPTS_VALUE) {
                            p.dts(p.dts() - shift);
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
}
