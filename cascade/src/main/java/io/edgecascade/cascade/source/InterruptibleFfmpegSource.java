package io.edgecascade.cascade.source;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXIT;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One FFmpeg input, a live camera or a video file, through FFmpeg's own API: the one decode path of the cascade.
 * The gate gets the decoder's luma plane in place and BGR is made only for the frames it passes; the decoder is a
 * hardware one where the camera's {@code hwaccel} finds one ({@link HardwareDecoders}), FFmpeg's software decoder
 * otherwise or after it failed.
 *
 * <p>No call can block its thread for good: an interrupt callback (polled by FFmpeg while it waits on the network)
 * ends a connect or read when {@link #abort()} was called from another thread, or when no frame was decoded for
 * {@code stall} (then the call fails with a {@link StalledException}). Protocol timeouts
 * ({@link StreamOptions#ffmpegOptions}) back it up.
 *
 * <p>Ends at the end of the stream ({@link #grab()} returns null); reconnecting is {@link SupervisedSource}'s job.
 * A file's lost frames are counted from the holes in its timestamps, and a file that ends well before its declared
 * duration ends with an error ({@link FileTimeline}). Encoded video packets can be watched with a
 * {@link PacketListener} (recording clips).
 */
public final class InterruptibleFfmpegSource implements FrameSource {

    /** Sees every encoded packet of the video stream before it is decoded; must copy what it keeps. */
    @FunctionalInterface
    public interface PacketListener {
        void packet(AVPacket packet, AVStream stream);
    }

    /** A connect or read ended because no frame came for the stall time. */
    public static final class StalledException extends SourceException {
        private static final long serialVersionUID = 1L;

        StalledException(String message) {
            super(message);
        }
    }

    private static final int EAGAIN = -11;
    /** Sources by the address of their opaque pointer: one callback object serves all (JavaCPP limits them). */
    private static final Map<Long, InterruptibleFfmpegSource> BY_OPAQUE = new ConcurrentHashMap<>();
    private static final AVIOInterruptCB.Callback_Pointer INTERRUPT = new AVIOInterruptCB.Callback_Pointer() {
        @Override
        public int call(Pointer opaque) {
            InterruptibleFfmpegSource s = opaque == null ? null : BY_OPAQUE.get(opaque.address());
            return s != null && s.shouldInterrupt() ? 1 : 0;
        }
    };

    static {
        FfmpegFrameSource.configureLogging(false);
        // usb:N and /dev/videoN need libavdevice's input formats; network protocols want the network layer
        org.bytedeco.ffmpeg.global.avdevice.avdevice_register_all();
        org.bytedeco.ffmpeg.global.avformat.avformat_network_init();
    }

    private final SourceUri uri;
    private final StreamOptions options;
    private final PacketListener packets;
    private final BytePointer opaque = new BytePointer(1);
    private volatile boolean aborted;
    private volatile long progressNanos;
    private long openedNanos;
    private volatile boolean stalled;
    private final long stallNanos;

    private AVFormatContext format;
    private AVCodecContext codec;
    private AVPacket packet;
    private AVFrame decoded;
    private final Converted bgr = new Converted(AV_PIX_FMT_BGR24, CV_8UC3);
    private final Converted grey = new Converted(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8,
            org.bytedeco.opencv.global.opencv_core.CV_8UC1);
    private Mat luma;
    private long bgrOfFrame = -1;
    private int streamIndex = -1;
    private AVRational timeBase;
    private double frameRate;
    private long firstPts = Long.MIN_VALUE;
    private long sequence;
    private long decodeErrors;
    private boolean draining;
    /** Files only: the holes in the timestamps and the declared duration. */
    private FileTimeline timeline;
    private final HardwareDecoders.Factory hardwareDecoders;
    /** The hardware decoder in use; null: software. */
    private HardwareDecoders.Decoder hardware;
    private AVCodecParameters codecParameters;
    /** The decoded frame in system memory: {@code decoded} itself, or its copy from the hardware decoder. */
    private AVFrame picture;
    private int hardwareErrorsInARow;
    /** Fallback lines already logged, so that a camera that reconnects says it once. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    private static final Logger LOG = LoggerFactory.getLogger(InterruptibleFfmpegSource.class);
    /** Decode errors in a row after which a hardware decoder is given up (a corrupt packet makes one). */
    static final int HARDWARE_ERRORS_TO_FALL_BACK = 3;

    public InterruptibleFfmpegSource(SourceUri uri, StreamOptions options, PacketListener packets) {
        this(uri, options, packets, HardwareDecoders.FFMPEG);
    }

    InterruptibleFfmpegSource(SourceUri uri, StreamOptions options, PacketListener packets,
            HardwareDecoders.Factory hardwareDecoders) {
        this.uri = uri;
        this.options = options;
        this.packets = packets;
        this.hardwareDecoders = hardwareDecoders;
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(options.stallMillis());
    }

    /** Ends a blocked connect or read within FFmpeg's polling interval (about 0.1 s); any thread may call it. */
    public void abort() {
        aborted = true;
    }

    private boolean shouldInterrupt() {
        if (aborted) {
            return true;
        }
        if (System.nanoTime() - progressNanos > stallNanos) {
            stalled = true;
            return true;
        }
        return false;
    }

    @Override
    public void open() throws SourceException {
        if (!uri.live()) {
            FileTimeline.checkReadable(uri);
        }
        progressNanos = System.nanoTime();
        openedNanos = progressNanos;
        BY_OPAQUE.put(opaque.address(), this);
        AVFormatContext ctx = avformat_alloc_context();
        AVIOInterruptCB cb = ctx.interrupt_callback();
        cb.callback(INTERRUPT);
        cb.opaque(opaque);
        AVInputFormat forced = uri.format() == null ? null : av_find_input_format(uri.format());
        AVDictionary dict = new AVDictionary(null);
        for (var e : options.ffmpegOptions(uri).entrySet()) {
            av_dict_set(dict, e.getKey(), e.getValue(), 0);
        }
        int ret = avformat_open_input(ctx, uri.location(), forced, dict);
        av_dict_free(dict);
        if (ret < 0) {
            // FFmpeg freed the context on failure
            throw uri.live() ? failure("cannot open stream " + uri, ret,
                    "; check the URL, credentials and that the camera is reachable")
                    : failure("cannot open video " + uri, ret, FileTimeline.openFix(uri));
        }
        format = ctx;
        ret = avformat_find_stream_info(format, (PointerPointer<?>) null);
        if (ret < 0) {
            throw uri.live() ? failure("cannot read stream " + uri, ret, "; check that it is a video stream")
                    : failure("cannot open video " + uri, ret, FileTimeline.openFix(uri));
        }
        streamIndex = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
        if (streamIndex < 0) {
            throw new SourceException(uri + " has no video stream; point source: at "
                    + (uri.live() ? "a camera's video URL" : "a video file or camera"));
        }
        AVStream stream = format.streams(streamIndex);
        AVCodec decoder = avcodec_find_decoder(stream.codecpar().codec_id());
        if (decoder == null) {
            throw new SourceException(uri + ": no decoder for its video codec; re-configure the camera to H.264");
        }
        codecParameters = stream.codecpar();
        openHardware();
        if (codec == null) {
            openSoftware(decoder);
        }
        timeBase = stream.time_base();
        AVRational rate = stream.avg_frame_rate().num() > 0 ? stream.avg_frame_rate() : stream.r_frame_rate();
        frameRate = rate.den() > 0 ? rate.num() / (double) rate.den() : 0;
        if (!uri.live()) {
            timeline = new FileTimeline(uri, frameRate, format.duration() == AV_NOPTS_VALUE ? 0
                    : format.duration() / 1000);
        }
        packet = av_packet_alloc();
        decoded = av_frame_alloc();
        progressNanos = System.nanoTime();
    }

    /** Tries the hardware decoders the camera's {@code hwaccel} names; on failure, one line and software. */
    private void openHardware() {
        HardwareDecoders.Choice choice = HardwareDecoders.choose(options.hwaccel(), options.hwaccelDevice());
        List<String> failures = new ArrayList<>();
        for (HwAccel a : choice.tried()) {
            HardwareDecoders.Decoder d = hardwareDecoders.create(a, options.hwaccelDevice());
            try {
                codec = d.open(codecParameters);
                hardware = d;
                LOG.info("{}: decoding with {}", uri, d.describe());
                return;
            } catch (SourceException | RuntimeException e) {
                d.close();
                failures.add(d.describe() + ": " + SourceUri.redact(String.valueOf(e.getMessage())));
            }
        }
        if (!failures.isEmpty()) {
            warnOnce(uri + ": hardware decoding failed at open (" + String.join("; ", failures)
                    + "); decoding in software");
        }
    }

    private void openSoftware(AVCodec decoder) throws SourceException {
        codec = avcodec_alloc_context3(decoder);
        avcodec_parameters_to_context(codec, codecParameters);
        // A live camera decodes on one thread: the capture threads already spread the cameras over the cores, and
        // FFmpeg's own pool would add (cores) threads and their frame buffers per camera. A file is read as fast as
        // it decodes, so it gets FFmpeg's pool (as JavaCV's grabber gave it).
        codec.thread_count(uri.live() ? 1 : 0);
        int ret = avcodec_open2(codec, decoder, (AVDictionary) null);
        if (ret < 0) {
            throw failure("cannot open the decoder of " + uri, ret, "");
        }
    }

    /**
     * The hardware decoder failed mid-stream: decode in software from the next packet on (the frames up to the next
     * key frame may be damaged, as after any lost packet). The camera never stops for it.
     */
    private void fallBackToSoftware(String why) throws SourceException {
        String was = hardware.describe();
        avcodec_free_context(codec);
        codec = null;
        hardware.close();
        hardware = null;
        picture = null; // it may have been the device's frame, freed with it
        hardwareErrorsInARow = 0;
        warnOnce(uri + ": hardware decoding (" + was + ") failed mid-stream (" + SourceUri.redact(why)
                + "); decoding in software");
        AVCodec decoder = avcodec_find_decoder(codecParameters.codec_id());
        if (decoder == null) {
            throw new SourceException(uri + ": no software decoder for its video codec; re-configure the camera to"
                    + " H.264");
        }
        openSoftware(decoder);
    }

    private static void warnOnce(String line) {
        if (WARNED.add(line)) {
            LOG.warn(line);
        } else {
            LOG.debug(line);
        }
    }

    /** {@code software} or the hardware decoder in use, e.g. {@code cuda}. */
    public String decoder() {
        return hardware == null ? "software" : hardware.describe();
    }

    /** A hardware decode error: counts it, and gives the hardware decoder up after a few in a row. */
    private void hardwareError(int ret) throws SourceException {
        if (++hardwareErrorsInARow >= HARDWARE_ERRORS_TO_FALL_BACK) {
            fallBackToSoftware(HARDWARE_ERRORS_TO_FALL_BACK + " decode errors in a row, the last: " + errorText(ret));
        }
    }

    @Override
    public Frame grab() throws SourceException {
        if (format == null) {
            throw new IllegalStateException("source not open");
        }
        if (!uri.live()) {
            // a file waits while its frames queue up (back-pressure); only the time inside grab counts as a stall
            progressNanos = System.nanoTime();
        }
        while (true) {
            int r = avcodec_receive_frame(codec, decoded);
            if (r == 0) {
                progressNanos = System.nanoTime();
                if (hardware == null) {
                    picture = decoded;
                    return convert();
                }
                try {
                    picture = hardware.toSystemMemory(decoded);
                    hardwareErrorsInARow = 0;
                    return convert();
                } catch (SourceException e) {
                    decodeErrors++;
                    fallBackToSoftware(e.getMessage());
                    continue;
                }
            }
            if (r == AVERROR_EOF()) {
                return end();
            }
            if (r != EAGAIN) {
                decodeErrors++;
                if (hardware != null) {
                    hardwareError(r);
                    continue;
                }
            }
            if (draining) {
                return end();
            }
            if (System.nanoTime() - progressNanos > stallNanos) {
                stalled = true;
                throw interrupted(AVERROR_EXIT());
            }
            int ret = av_read_frame(format, packet);
            // a file whose data ends in garbage ends there; the timeline tells a truncated one
            if (ret == AVERROR_EOF() || ret < 0 && !uri.live() && !aborted && !stalled) {
                draining = true;
                avcodec_send_packet(codec, null);
                continue;
            }
            if (ret < 0) {
                throw interrupted(ret);
            }
            try {
                if (packet.stream_index() != streamIndex) {
                    continue;
                }
                if (packets != null) {
                    packets.packet(packet, format.streams(streamIndex));
                }
                int sent = avcodec_send_packet(codec, packet);
                if (sent < 0) {
                    decodeErrors++;
                    if (hardware != null) {
                        hardwareError(sent);
                    }
                }
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    /** The end of the stream: null, or for a file that ended well before its declared duration, the error. */
    private Frame end() throws SourceException {
        if (timeline != null) {
            timeline.checkNotTruncated();
        }
        return null;
    }

    private SourceException interrupted(int ret) {
        if (stalled) {
            return new StalledException(uri + ": no frame for " + options.stallMillis() / 1000.0
                    + " s (stalled); reconnecting");
        }
        if (aborted) {
            return new SourceException(uri + ": stopped");
        }
        return failure("reading " + uri + " failed", ret, "");
    }

    private SourceException failure(String what, int ret, String fix) {
        if (stalled) {
            return new StalledException(what + ": no answer within " + options.stallMillis() / 1000.0 + " s"
                    + fix);
        }
        if (aborted) {
            return new SourceException(uri + ": stopped");
        }
        return new SourceException(what + ": " + SourceUri.redact(errorText(ret)) + fix);
    }

    /** FFmpeg's text for an error code. */
    public static String errorText(int ret) {
        byte[] buf = new byte[256];
        av_strerror(ret, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /** Pixel formats whose first plane is 8-bit luma the gate can read in place. */
    private static final java.util.Set<Integer> LUMA_FIRST = java.util.Set.of(
            org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P, org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P,
            org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV422P, org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P,
            org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV444P, org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P,
            org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV440P, org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ440P,
            org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV411P, org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV12,
            org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV21, org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8);

    /**
     * The decoded frame as the gate needs it: the decoder's luma plane wrapped in place (no copy, no colour
     * conversion); BGR is made only when someone asks ({@link Frame#image()}): the frames the gate lets through.
     */
    private Frame convert() {
        AVFrame decoded = picture;
        int w = decoded.width();
        int h = decoded.height();
        int fmt = decoded.format();
        if (luma != null) {
            luma.close();
            luma = null;
        }
        Mat y;
        boolean limited;
        if (LUMA_FIRST.contains(fmt)) {
            luma = new Mat(h, w, org.bytedeco.opencv.global.opencv_core.CV_8UC1, decoded.data(0),
                    decoded.linesize(0));
            y = luma;
            limited = fmt != org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8
                    && decoded.color_range() != org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG
                    && !isJpegFormat(fmt);
        } else {
            y = grey.convert(decoded);
            limited = false;
        }
        long ts = decoded.best_effort_timestamp();
        long ms;
        if (ts == AV_NOPTS_VALUE) {
            // No timestamp (a raw H.264 or MJPEG camera): a live stream's frames are timed by when they arrive,
            // since its declared rate is often not what it sends (a camera dropping frames in low light); a file's
            // by its frame rate
            ms = uri.live() ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedNanos)
                    : frameRate > 0 ? Math.round(sequence * 1000 / frameRate) : 0;
        } else {
            if (firstPts == Long.MIN_VALUE) {
                firstPts = ts;
            }
            ms = Math.max(0, (ts - firstPts) * 1000L * timeBase.num() / Math.max(1, timeBase.den()));
        }
        if (timeline != null) {
            timeline.frame(ms);
        }
        long seq = sequence++;
        return new Frame(seq, ms, y, limited, () -> bgrOf(seq));
    }

    private static boolean isJpegFormat(int fmt) {
        return fmt == org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P
                || fmt == org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P
                || fmt == org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P
                || fmt == org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ440P;
    }

    /** BGR of frame {@code seq}, converted once; only valid until the next grab. */
    private Mat bgrOf(long seq) {
        if (seq != sequence - 1 || picture == null) {
            throw new IllegalStateException("frame " + seq + " was already replaced by the next one");
        }
        Mat m = bgr.convert(bgrOfFrame == seq ? null : picture);
        bgrOfFrame = seq;
        return m;
    }

    /** A reused destination of swscale (one packed image) and the conversion that fills it. */
    private static final class Converted implements AutoCloseable {
        private final int pixelFormat;
        private final int matType;
        private SwsContext sws;
        private Mat mat;
        private PointerPointer<Pointer> data;
        private IntPointer stride;

        Converted(int pixelFormat, int matType) {
            this.pixelFormat = pixelFormat;
            this.matType = matType;
        }

        /** Converts {@code frame} (null: keeps the last result). */
        Mat convert(AVFrame frame) {
            if (frame == null) {
                return mat;
            }
            int w = frame.width();
            int h = frame.height();
            if (mat == null || mat.cols() != w || mat.rows() != h) {
                freeBuffer();
                mat = new Mat(h, w, matType);
                data = new PointerPointer<>(1).put(0, mat.data());
                stride = new IntPointer(1).put(0, (int) mat.step());
            }
            sws = sws_getCachedContext(sws, w, h, frame.format(), w, h, pixelFormat, SWS_BILINEAR, null, null,
                    (DoublePointer) null);
            sws_scale(sws, frame.data(), frame.linesize(), 0, h, data, stride);
            return mat;
        }

        private void freeBuffer() {
            if (mat != null) {
                mat.close();
                data.close();
                stride.close();
                mat = null;
            }
        }

        @Override
        public void close() {
            freeBuffer();
            if (sws != null) {
                sws_freeContext(sws);
                sws = null;
            }
        }
    }

    @Override
    public double frameRate() {
        return frameRate;
    }

    @Override
    public boolean isLive() {
        return uri.live();
    }

    @Override
    public long decodeErrors() {
        // a file's lost frames show both as decoder errors and as holes in its timestamps: the larger count
        return timeline == null ? decodeErrors : Math.max(decodeErrors, timeline.missing());
    }

    @Override
    public String describe() {
        return uri.toString();
    }


    @Override
    public void close() {
        if (decoded != null) {
            av_frame_free(decoded);
            decoded = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (codec != null) {
            avcodec_free_context(codec);
            codec = null;
        }
        if (hardware != null) {
            hardware.close();
            hardware = null;
        }
        picture = null;
        if (format != null) {
            avformat_close_input(format);
            format = null;
        }
        bgr.close();
        grey.close();
        if (luma != null) {
            luma.close();
            luma = null;
        }
        BY_OPAQUE.remove(opaque.address());
        opaque.close();
    }
}
