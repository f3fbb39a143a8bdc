package io.edgecascade.cascade.record;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * Writes held packets of one stream into an mp4 as they are (stream copy: FFmpeg's mp4 muxer, no decoder, no
 * encoder), timestamps rebased so the clip starts at 0. Written to a temporary file and moved into place, so a
 * reader never sees half a clip.
 */
public final class PacketMuxer {

    private PacketMuxer() {
    }

    /**
     * @param packets decode order, the first a key frame with a decoding time, all of one stream (one
     *                {@link StreamParams})
     */
    public static ClipWriter.Clip write(List<EncodedPacket> packets, Path out) throws IOException {
        if (packets.isEmpty()) {
            throw new IOException("no video packets");
        }
        StreamParams params = packets.get(0).params();
        Path tmp = out.resolveSibling(out.getFileName() + ".part");
        AVFormatContext oc = new AVFormatContext(null);
        AVPacket pkt = null;
        boolean opened = false;
        double first = Double.NaN;
        double last = Double.NaN;
        try {
            check(avformat_alloc_output_context2(oc, null, "mp4", tmp.toString()), "no mp4 muxer");
            AVStream st = avformat_new_stream(oc, null);
            params.copyTo(st.codecpar());
            AVRational source = new AVRational().num(params.timeBaseNum()).den(params.timeBaseDen());
            st.time_base(source);
            AVIOContext pb = new AVIOContext(null);
            check(avio_open(pb, tmp.toString(), AVIO_FLAG_WRITE), "cannot open " + tmp);
            oc.pb(pb);
            opened = true;
            check(avformat_write_header(oc, (AVDictionary) null), "cannot write the mp4 header");
            pkt = av_packet_alloc();
            long shift = EncodedPacket.NO_TIME;
            long lastDts = Long.MIN_VALUE;
            double seconds = params.timeBaseNum() / (double) params.timeBaseDen();
            for (EncodedPacket p : packets) {
                if (p.params() != params) {
                    break; // another connection's packets cannot share this header
                }
                long pts = p.pts();
                long dts = p.dts();
                if (shift == EncodedPacket.NO_TIME) {
                    if (dts == EncodedPacket.NO_TIME) {
                        throw new IOException("the first packet has no decoding time");
                    }
                    shift = dts;
                }
                // a packet without a decoding time comes one frame after the previous one (in decoding order)
                dts = dts != EncodedPacket.NO_TIME ? dts - shift : lastDts + Math.max(1, p.duration());
                pts = pts != EncodedPacket.NO_TIME ? pts - shift : dts;
                if (dts <= lastDts) {
                    dts = lastDts + 1; // the muxer needs strictly increasing decoding times
                }
                pts = Math.max(pts, dts);
                lastDts = dts;
                check(av_new_packet(pkt, p.size()), "out of memory");
                pkt.data().position(0).put(p.data(), 0, p.size());
                pkt.pts(pts);
                pkt.dts(dts);
                pkt.duration(Math.max(0, p.duration()));
                pkt.flags(p.key() ? AV_PKT_FLAG_KEY : 0);
                pkt.stream_index(0);
                double t = pts * seconds;
                first = Double.isNaN(first) ? t : Math.min(first, t);
                last = Double.isNaN(last) ? t : Math.max(last, t);
                av_packet_rescale_ts(pkt, source, st.time_base());
                int r = av_interleaved_write_frame(oc, pkt); // takes the packet's reference
                av_packet_unref(pkt);
                check(r, "cannot write a packet");
            }
            check(av_write_trailer(oc), "cannot finish the mp4");
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        } finally {
            if (pkt != null) {
                av_packet_free(pkt);
            }
            if (opened) {
                avio_closep(oc.pb());
            }
            if (!oc.isNull()) {
                avformat_free_context(oc);
            }
        }
        if (Double.isNaN(first)) {
            Files.deleteIfExists(tmp);
            throw new IOException("no timed video packets");
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new ClipWriter.Clip(out, params.codecName(), packets.size(), last - first);
    }

    private static void check(int ret, String what) throws IOException {
        if (ret < 0) {
            throw new IOException(what + ": " + io.edgecascade.cascade.source.InterruptibleFfmpegSource.errorText(ret));
        }
    }
}
