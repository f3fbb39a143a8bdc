package io.edgecascade.cascade.source;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_hw_config;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avutil.AV_HWDEVICE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_ref;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_copy_props;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_hwdevice_ctx_create;
import static org.bytedeco.ffmpeg.global.avutil.av_hwdevice_find_type_by_name;
import static org.bytedeco.ffmpeg.global.avutil.av_hwdevice_get_type_name;
import static org.bytedeco.ffmpeg.global.avutil.av_hwdevice_iterate_types;
import static org.bytedeco.ffmpeg.global.avutil.av_hwframe_transfer_data;
import static org.bytedeco.ffmpeg.global.avutil.av_version_info;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecHWConfig;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * FFmpeg's hardware video decoders: which ones this box and this FFmpeg build have ({@code probe}), which ones a
 * camera's {@code hwaccel:} tries ({@code config validate}, the live source), and opening one. A decoder on a
 * device (VA-API, Quick Sync, CUDA/NVDEC) decodes into GPU surfaces that are brought into system memory as NV12,
 * whose first plane is the luma the motion gate reads in place; a V4L2 memory-to-memory decoder hands frames in
 * system memory directly. Nothing here is required: every failure is a reason, and the live source decodes in
 * software instead.
 */
public final class HardwareDecoders {

    /** The hardware decoders {@code auto} considers, in the order it tries them. */
    static final List<HwAccel> ORDER = List.of(HwAccel.CUDA, HwAccel.VAAPI, HwAccel.QSV, HwAccel.V4L2M2M);

    private HardwareDecoders() {
    }

    /** A hardware decoder for one connection: its decoder context, and its frames in system memory. */
    interface Decoder extends AutoCloseable {

        /** For log lines: e.g. {@code cuda} or {@code vaapi on /dev/dri/renderD128}. */
        String describe();

        /** The opened decoder context for {@code par}; a SourceException says why it cannot open. */
        AVCodecContext open(AVCodecParameters par) throws SourceException;

        /** {@code decoded} in system memory (itself when it already is); a SourceException when the device fails. */
        AVFrame toSystemMemory(AVFrame decoded) throws SourceException;

        /** Frees the device (not the codec context, which the source frees). */
        @Override
        void close();
    }

    /** Makes the decoder for {@code accel} on {@code device}; the live source's seam. */
    @FunctionalInterface
    interface Factory {
        Decoder create(HwAccel accel, String device);
    }

    static final Factory FFMPEG = (accel, device) -> accel == HwAccel.V4L2M2M ? new M2mDecoder()
            : new DeviceDecoder(accel, device);

    /** What one hardware decoder can do here: {@code available}, or why not. */
    public record Status(HwAccel accel, boolean available, String reason) {
    }

    /** What a camera's {@code hwaccel:} tries on this box, in order, and one line saying so. */
    public record Choice(List<HwAccel> tried, String summary) {
    }

    /** Every hardware decoder with {@code available} or why not, for H.264 (what {@code probe} lists). */
    public static List<Status> status() {
        List<Status> out = new ArrayList<>();
        for (HwAccel a : ORDER) {
            String why = unavailable(a, null);
            out.add(new Status(a, why == null, why));
        }
        return out;
    }

    /** What {@code hwaccel} on {@code device} tries here; an explicit choice is tried even where it looks absent. */
    public static Choice choose(HwAccel hwaccel, String device) {
        if (hwaccel == HwAccel.NONE) {
            return new Choice(List.of(), "software (hwaccel: none)");
        }
        if (hwaccel != HwAccel.AUTO) {
            String why = unavailable(hwaccel, device);
            return new Choice(List.of(hwaccel), hwaccel.id() + (device == null ? "" : " on " + device)
                    + (why == null ? "" : " (" + why + ": it will fall back to software)")
                    + ", software if it fails");
        }
        List<HwAccel> tried = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (HwAccel a : ORDER) {
            String why = unavailable(a, device);
            if (why == null) {
                tried.add(a);
            } else {
                skipped.add(a.id() + ": " + why);
            }
        }
        if (tried.isEmpty()) {
            return new Choice(List.of(), "software (auto: no hardware decoder here; 'edge-cascade probe' says why)");
        }
        return new Choice(tried, "auto: " + String.join(", then ", tried.stream().map(HwAccel::id).toList())
                + ", software if " + (tried.size() == 1 ? "it fails" : "they fail"));
    }

    /** Null when {@code accel} can be tried here, else why not. */
    static String unavailable(HwAccel accel, String device) {
        if (accel == HwAccel.V4L2M2M) {
            if (avcodec_find_decoder_by_name("h264_v4l2m2m") == null) {
                return "not in this FFmpeg build";
            }
            return videoNodes().isEmpty() ? "no V4L2 device (/dev/video*)" : null;
        }
        if (!builtDeviceTypes().contains(accel.id())) {
            return "not in this FFmpeg build (it has " + String.join(", ", builtDeviceTypes()) + ")";
        }
        if (device != null && device.startsWith("/")) {
            return Files.exists(Path.of(device)) ? null : device + " does not exist";
        }
        return switch (accel) {
            case CUDA -> Files.exists(Path.of("/dev/nvidiactl")) ? null : "no NVIDIA driver (/dev/nvidiactl)";
            case VAAPI, QSV -> renderNodes().isEmpty() ? "no render node (/dev/dri/renderD*)" : null;
            default -> null;
        };
    }

    /**
     * The hardware device types this FFmpeg was built with. {@code av_hwdevice_find_type_by_name} knows every type
     * FFmpeg has a name for, built or not; JavaCV's build has CUDA, DRM and Vulkan, not VA-API or Quick Sync.
     */
    static List<String> builtDeviceTypes() {
        List<String> out = new ArrayList<>();
        int t = AV_HWDEVICE_TYPE_NONE;
        while ((t = av_hwdevice_iterate_types(t)) != AV_HWDEVICE_TYPE_NONE) {
            out.add(av_hwdevice_get_type_name(t).getString());
        }
        return out;
    }

    /** The version of the FFmpeg libraries in use (JavaCV's build). */
    public static String ffmpegVersion() {
        return av_version_info().getString();
    }

    static List<Path> renderNodes() {
        return devices(Path.of("/dev/dri"), "renderD");
    }

    static List<Path> videoNodes() {
        return devices(Path.of("/dev"), "video");
    }

    private static List<Path> devices(Path dir, String prefix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    /** A decoder on an FFmpeg hardware device (VA-API, Quick Sync, CUDA): GPU surfaces copied back as NV12. */
    static final class DeviceDecoder implements Decoder {
        private final HwAccel accel;
        private final String device;
        private AVBufferRef deviceRef;
        private AVFrame system;

        DeviceDecoder(HwAccel accel, String device) {
            this.accel = accel;
            this.device = device;
        }

        @Override
        public String describe() {
            return accel.id() + (device == null ? "" : " on " + device);
        }

        @Override
        public AVCodecContext open(AVCodecParameters par) throws SourceException {
            String why = unavailable(accel, device);
            // an explicit choice is tried where the probe found no driver; a build or a path it lacks cannot open
            if (why != null && (why.startsWith("not in this FFmpeg build") || why.endsWith("does not exist"))) {
                throw new SourceException(why);
            }
            int type = av_hwdevice_find_type_by_name(accel.id());
            AVCodec decoder = avcodec_find_decoder(par.codec_id());
            if (decoder == null || !supports(decoder, type)) {
                throw new SourceException("FFmpeg's " + avcodec_get_name(par.codec_id()).getString() + " decoder has no "
                        + accel.id() + " support");
            }
            AVBufferRef ref = new AVBufferRef(null);
            int ret = av_hwdevice_ctx_create(ref, type, device, (AVDictionary) null, 0);
            if (ret < 0) {
                throw new SourceException("cannot open the " + accel.id() + " device"
                        + (device == null ? "" : " " + device) + ": " + InterruptibleFfmpegSource.errorText(ret));
            }
            deviceRef = ref;
            AVCodecContext codec = avcodec_alloc_context3(decoder);
            avcodec_parameters_to_context(codec, par);
            // FFmpeg's default get_format picks the device's surface format once hw_device_ctx is set
            codec.hw_device_ctx(av_buffer_ref(deviceRef));
            ret = avcodec_open2(codec, decoder, (AVDictionary) null);
            if (ret < 0) {
                avcodec_free_context(codec);
                throw new SourceException("cannot open the " + accel.id() + " decoder: "
                        + InterruptibleFfmpegSource.errorText(ret));
            }
            system = av_frame_alloc();
            return codec;
        }

        private static boolean supports(AVCodec decoder, int type) {
            for (int i = 0;; i++) {
                AVCodecHWConfig c = avcodec_get_hw_config(decoder, i);
                if (c == null) {
                    return false;
                }
                if (c.device_type() == type && (c.methods() & AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX) != 0) {
                    return true;
                }
            }
        }

        @Override
        public AVFrame toSystemMemory(AVFrame decoded) throws SourceException {
            if (decoded.hw_frames_ctx() == null) {
                return decoded; // the decoder fell back to software by itself
            }
            av_frame_unref(system);
            int ret = av_hwframe_transfer_data(system, decoded, 0);
            if (ret < 0) {
                throw new SourceException("copying a frame from the " + accel.id() + " device failed: "
                        + InterruptibleFfmpegSource.errorText(ret));
            }
            av_frame_copy_props(system, decoded);
            return system;
        }

        @Override
        public void close() {
            if (system != null) {
                av_frame_free(system);
                system = null;
            }
            if (deviceRef != null) {
                av_buffer_unref(deviceRef);
                deviceRef = null;
            }
        }
    }

    /**
     * A V4L2 memory-to-memory decoder (FFmpeg's {@code <codec>_v4l2m2m}): frames arrive in system memory. FFmpeg
     * finds the device itself (it scans /dev/video* for one that decodes the codec); {@code hwaccel_device} is not
     * used.
     */
    static final class M2mDecoder implements Decoder {

        @Override
        public String describe() {
            return "v4l2m2m";
        }

        @Override
        public AVCodecContext open(AVCodecParameters par) throws SourceException {
            String name = avcodec_get_name(par.codec_id()).getString().toLowerCase(Locale.ROOT) + "_v4l2m2m";
            AVCodec decoder = avcodec_find_decoder_by_name(name);
            if (decoder == null) {
                throw new SourceException(name + " is not in this FFmpeg build");
            }
            AVCodecContext codec = avcodec_alloc_context3(decoder);
            avcodec_parameters_to_context(codec, par);
            // FFmpeg's v4l2m2m decoders find their device themselves, scanning /dev/video*
            int ret = avcodec_open2(codec, decoder, (AVDictionary) null);
            if (ret < 0) {
                avcodec_free_context(codec);
                throw new SourceException("cannot open " + name + ": " + InterruptibleFfmpegSource.errorText(ret)
                        + " (no V4L2 memory-to-memory decoder for it)");
            }
            return codec;
        }

        @Override
        public AVFrame toSystemMemory(AVFrame decoded) {
            return decoded;
        }

        @Override
        public void close() {
            // the codec context owns the V4L2 device
        }
    }
}
