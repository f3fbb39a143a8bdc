package io.edgecascade.cascade.source;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A hardware decoder that cannot open, or that fails mid-stream, never stops the camera: the source says so in one
 * line and decodes in software. Real FFmpeg on the sample video; this machine has no GPU and no render node, so the
 * devices really fail (a missing path, a file that is not a device); the mid-stream failure is a decoder that reports
 * as hardware and fails on its sixth frame.
 */
class HardwareDecodeFallbackTest {

    private static final int FRAMES = 60;

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(InterruptibleFfmpegSource.class);

    @BeforeEach
    void listen() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(log);
    }

    private StreamOptions options(HwAccel accel, String device) {
        return new StreamOptions("tcp", Map.of(), 60_000, 500, 30_000, false).withHwaccel(accel, device);
    }

    /** Grabs up to {@code n} frames, each read through the gate's luma and converted to BGR. */
    private static int grab(InterruptibleFfmpegSource s, int n) throws Exception {
        int got = 0;
        FrameSource.Frame f;
        while (got < n && (f = s.grab()) != null) {
            assertEquals(432, f.luma().rows());
            assertEquals(768, f.image().cols());
            got++;
        }
        return got;
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Opens the sample video with {@code accel} on {@code device}, reads {@link #FRAMES} frames, says who decoded. */
    private String decodeWith(HwAccel accel, String device) throws Exception {
        SourceUri uri = SourceUri.parse(TestAssets.personVideo().toString());
        try (InterruptibleFfmpegSource s = new InterruptibleFfmpegSource(uri, options(accel, device), null)) {
            s.open();
            assertEquals(FRAMES, grab(s, FRAMES), accel.id());
            return s.decoder();
        }
    }

    @Test
    void aMissingDeviceFallsBackToSoftwareWithOneLine() throws Exception {
        String missing = dir.resolve("dri/renderD128").toString();
        assertEquals("software", decodeWith(HwAccel.VAAPI, missing));
        assertEquals("software", decodeWith(HwAccel.CUDA, "7")); // no NVIDIA driver here, and no 8th GPU anywhere
        List<String> w = warnings();
        assertEquals(2, w.size(), "one line per camera: " + w);
        assertTrue(w.get(0).contains("hardware decoding failed at open (vaapi on " + missing + ": ")
                && w.get(0).endsWith("; decoding in software"), w.get(0));
        assertTrue(w.get(1).contains("hardware decoding failed at open (cuda on 7: cannot open the cuda device 7: "),
                w.get(1));
    }

    @Test
    void aDeviceThatFailsOnOpenFallsBackToSoftware() throws Exception {
        Path notADevice = Files.writeString(dir.resolve("renderD129"), "not a DRM device\n");
        assertEquals("software", decodeWith(HwAccel.CUDA, notADevice.toString()));
        // FFmpeg's h264_v4l2m2m is in the build; with no memory-to-memory decoder among /dev/video* it cannot open
        assertEquals("software", decodeWith(HwAccel.V4L2M2M, null));
        List<String> w = warnings();
        assertEquals(2, w.size(), "one line per decoder: " + w);
        assertTrue(w.get(0).contains("(cuda on " + notADevice + ": cannot open the cuda device " + notADevice),
                w.get(0));
        assertTrue(w.get(1).contains("(v4l2m2m: cannot open h264_v4l2m2m: "), w.get(1));
    }

    @Test
    void aCameraThatReconnectsSaysItOnce() throws Exception {
        String missing = dir.resolve("gone/renderD130").toString();
        for (int i = 0; i < 3; i++) {
            assertEquals("software", decodeWith(HwAccel.VAAPI, missing));
        }
        assertEquals(1, warnings().size(), warnings().toString());
    }

    @Test
    void aHardwareDecoderThatFailsMidStreamHandsOverToSoftwareAndTheFramesGoOn() throws Exception {
        int total;
        SourceUri uri = SourceUri.parse(TestAssets.personVideo().toString());
        try (InterruptibleFfmpegSource s = new InterruptibleFfmpegSource(uri, options(HwAccel.NONE, null), null)) {
            s.open();
            total = grab(s, 200);
        }
        FakeDevice failsOnSixthFrame = new FakeDevice(null, 5);
        try (InterruptibleFfmpegSource s = new InterruptibleFfmpegSource(uri, options(HwAccel.CUDA, "0"), null,
                failsOnSixthFrame)) {
            s.open();
            assertEquals("fake", s.decoder());
            int got = grab(s, 200);
            assertEquals("software", s.decoder());
            assertTrue(got >= total - 60, "the frames go on in software: " + got + " of " + total);
            assertTrue(s.decodeErrors() >= 1, "the failed frame is counted");
        }
        assertEquals(1, failsOnSixthFrame.opened);
        List<String> w = warnings();
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("hardware decoding (fake) failed mid-stream (the device went away); decoding in"
                + " software"), w.get(0));
    }

    @Test
    void aHardwareDecoderWhoseDecodingFailsIsGivenUpAfterAFewErrorsInARow() throws Exception {
        // FFmpeg's HEVC decoder fed the sample's H.264 packets: every packet fails, as a wedged device's would
        FakeDevice wrongCodec = new FakeDevice("hevc", Integer.MAX_VALUE);
        SourceUri uri = SourceUri.parse(TestAssets.personVideo().toString());
        try (InterruptibleFfmpegSource s = new InterruptibleFfmpegSource(uri, options(HwAccel.CUDA, "0"), null,
                wrongCodec)) {
            s.open();
            assertEquals("fake", s.decoder());
            assertEquals(200, grab(s, 200), "the camera goes on in software");
            assertEquals("software", s.decoder());
            assertTrue(s.decodeErrors() >= InterruptibleFfmpegSource.HARDWARE_ERRORS_TO_FALL_BACK,
                    "the failures are counted: " + s.decodeErrors());
        }
        List<String> w = warnings();
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("hardware decoding (fake) failed mid-stream ("
                + InterruptibleFfmpegSource.HARDWARE_ERRORS_TO_FALL_BACK + " decode errors in a row, the last: "),
                w.get(0));
    }

    /**
     * A hardware decoder that opens FFmpeg's software decoder ({@code codec}, null: the stream's own) and whose
     * device "goes away" after {@code framesBeforeFailing} frames.
     */
    private static final class FakeDevice implements HardwareDecoders.Factory, HardwareDecoders.Decoder {
        private final String codec;
        private final int framesBeforeFailing;
        int opened;
        private int frames;

        FakeDevice(String codec, int framesBeforeFailing) {
            this.codec = codec;
            this.framesBeforeFailing = framesBeforeFailing;
        }

        @Override
        public HardwareDecoders.Decoder create(HwAccel accel, String device) {
            return this;
        }

        @Override
        public String describe() {
            return "fake";
        }

        @Override
        public AVCodecContext open(AVCodecParameters par) {
            opened++;
            AVCodec decoder = codec == null ? avcodec_find_decoder(par.codec_id())
                    : avcodec_find_decoder_by_name(codec);
            AVCodecContext c = avcodec_alloc_context3(decoder);
            if (codec == null) {
                avcodec_parameters_to_context(c, par);
            }
            avcodec_open2(c, decoder, (AVDictionary) null);
            return c;
        }

        @Override
        public AVFrame toSystemMemory(AVFrame decoded) throws SourceException {
            if (++frames > framesBeforeFailing) {
                throw new SourceException("the device went away");
            }
            return decoded;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void probeAndAutoAgreeOnWhatThisBoxHas() {
        List<HardwareDecoders.Status> status = HardwareDecoders.status();
        assertEquals(List.of(HwAccel.CUDA, HwAccel.VAAPI, HwAccel.QSV, HwAccel.V4L2M2M),
                status.stream().map(HardwareDecoders.Status::accel).toList());
        for (HardwareDecoders.Status s : status) {
            assertTrue(s.available() == (s.reason() == null), s.toString());
        }
        HardwareDecoders.Choice auto = HardwareDecoders.choose(HwAccel.AUTO, null);
        assertEquals(status.stream().filter(HardwareDecoders.Status::available).map(HardwareDecoders.Status::accel)
                .toList(), auto.tried());
        assertTrue(HardwareDecoders.choose(HwAccel.NONE, null).tried().isEmpty());
        assertEquals(List.of(HwAccel.VAAPI), HardwareDecoders.choose(HwAccel.VAAPI, "/dev/dri/renderD128").tried(),
                "a decoder named in the config is tried even where it looks absent");
        assertFalse(HardwareDecoders.choose(HwAccel.VAAPI, null).summary().isBlank());
    }
}
