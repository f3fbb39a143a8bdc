package io.edgecascade.cascade.quantize;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import io.edgecascade.cascade.detect.EngineAgreement;
import io.edgecascade.cascade.detect.Letterbox;
import io.edgecascade.cascade.source.FfmpegFrameSource;
import io.edgecascade.cascade.source.FrameSource;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.source.SourceUri;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Frames for calibration and evaluation, preprocessed exactly as the detector does ({@link Letterbox} into the
 * model's input), kept as bytes (the letterboxed pixels are whole numbers 0..255) to hold a hundred frames in a
 * few tens of MB.
 */
public final class CalibrationFrames {

    /** Every how many video frames one is taken (consecutive frames of a fixed camera are nearly the same). */
    static final int VIDEO_STRIDE = 5;

    private final int width;
    private final int height;
    private final List<byte[]> frames;

    private CalibrationFrames(int width, int height, List<byte[]> frames) {
        this.width = width;
        this.height = height;
        this.frames = List.copyOf(frames);
    }

    public int size() {
        return frames.size();
    }

    /** Frames {@code from} (inclusive) to {@code to} (exclusive). */
    public CalibrationFrames subList(int from, int to) {
        return new CalibrationFrames(width, height, frames.subList(from, to));
    }

    /** Writes frame {@code i} into {@code input} ({@code 3 x height x width} floats). */
    public void fill(int i, FloatBuffer input) {
        byte[] f = frames.get(i);
        input.clear();
        for (byte b : f) {
            input.put(b & 0xff);
        }
        input.flip();
    }

    /**
     * Up to {@code count} frames from {@code source}: an image folder (.jpg/.png in name order), a video file or a
     * stream URL (every {@value #VIDEO_STRIDE}th frame).
     *
     * @param progress told the number of frames read so far
     */
    public static CalibrationFrames load(String source, int count, int width, int height, IntConsumer progress)
            throws QuantizeException {
        List<byte[]> out = new ArrayList<>();
        FloatBuffer input = ByteBuffer.allocateDirect(3 * width * height * 4).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        try (Letterbox letterbox = new Letterbox(input, width, height)) {
            Path dir = Path.of(source);
            if (Files.isDirectory(dir)) {
                List<Path> images;
                try {
                    images = EngineAgreement.images(dir);
                } catch (IOException e) {
                    throw new QuantizeException("no calibration frames: " + e.getMessage()
                            + "; put .jpg/.png frames from your cameras there");
                }
                for (Path image : images.subList(0, Math.min(count, images.size()))) {
                    try (Mat bgr = imread(image.toString(), IMREAD_COLOR)) {
                        if (bgr == null || bgr.empty()) {
                            throw new QuantizeException("cannot decode calibration image " + image
                                    + "; remove it or replace it with a valid JPEG/PNG");
                        }
                        out.add(take(letterbox, bgr, input));
                        progress.accept(out.size());
                    }
                }
            } else {
                readVideo(source, count, letterbox, input, out, progress);
            }
        }
        if (out.isEmpty()) {
            throw new QuantizeException("no calibration frames in " + source + "; pass a folder of .jpg/.png frames,"
                    + " a video file or a stream URL");
        }
        return new CalibrationFrames(width, height, out);
    }

    private static void readVideo(String source, int count, Letterbox letterbox, FloatBuffer input, List<byte[]> out,
            IntConsumer progress) throws QuantizeException {
        SourceUri uri;
        try {
            uri = SourceUri.parse(source);
        } catch (SourceException e) {
            throw new QuantizeException("--calibration: " + e.getMessage());
        }
        if (!uri.live() && !Files.isRegularFile(Path.of(uri.location()))) {
            throw new QuantizeException("no calibration frames: " + source + " is neither a folder, a video file nor"
                    + " a stream URL; pass a folder of .jpg/.png frames, a video or an rtsp:// URL");
        }
        try (FrameSource s = new FfmpegFrameSource(uri)) {
            s.open();
            FrameSource.Frame f;
            long n = 0;
            while (out.size() < count && (f = s.grab()) != null) {
                if (n++ % VIDEO_STRIDE == 0) {
                    out.add(take(letterbox, f.image(), input));
                    progress.accept(out.size());
                }
            }
        } catch (SourceException e) {
            throw new QuantizeException("cannot read calibration frames from " + source + ": " + e.getMessage());
        }
    }

    private static byte[] take(Letterbox letterbox, Mat bgr, FloatBuffer input) {
        letterbox.apply(bgr);
        byte[] b = new byte[input.capacity()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Math.round(input.get(i));
        }
        return b;
    }

    /** Frames already preprocessed, for tests. */
    static CalibrationFrames of(int width, int height, List<byte[]> frames) {
        return new CalibrationFrames(width, height, frames);
    }
}
