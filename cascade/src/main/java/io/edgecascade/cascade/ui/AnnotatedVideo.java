package io.edgecascade.cascade.ui;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.api.FrameSink;
import io.edgecascade.cascade.api.PositiveFrame;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.source.FfmpegFrameSource;
import io.edgecascade.cascade.source.FrameSource;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.source.SourceUri;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * {@code run --annotate OUT.mp4}: the annotated video of a file camera. During the run this sink notes what the
 * detector found in each positive frame of the camera (a few numbers per frame, no pixels); after the run
 * {@link #write} reads the file once more and writes every frame with the detections and track ids of the latest
 * detected frame (if at most {@value #HOLD_MS} ms older) and the motion mask's outlines, drawn as on the live view.
 * Two passes keep the annotation exact and cost the run nothing: the detector sees only the frames the gate passes,
 * later than the capture thread reads them.
 */
public final class AnnotatedVideo implements FrameSink {

    /** Notes detections only; the video is decoded again after the run. */
    @Override
    public boolean needsPixels(PositiveFrame p) {
        return false;
    }

    /** A detected frame's boxes stay drawn on the frames after it for this long (the gate's interval is 500 ms). */
    static final long HOLD_MS = 1000;

    /** What {@link #write} wrote. */
    public record Result(long frames, long framesWithBoxes, String codec) {
    }

    private record Seen(long ptsMillis, List<Detection> detections, List<Long> trackIds) {
    }

    private final String camera;
    private final List<Seen> seen = new ArrayList<>();

    public AnnotatedVideo(String camera) {
        this.camera = camera;
    }

    @Override
    public synchronized void accept(PositiveFrame p) {
        if (p.positive() && p.frame().camera().equals(camera)) {
            seen.add(new Seen(p.frame().ptsMillis(), p.detections(), p.tracks().trackIds()));
        }
    }

    /**
     * Reads the camera's file and writes the annotated video to {@code out} (MP4, H.264 when this build of FFmpeg
     * has an H.264 encoder, else MPEG-4 part 2), at the file's size and frame rate. Call after the run.
     */
    public Result write(CameraSettings settings, Path out) throws SourceException, IOException {
        List<Seen> detected;
        synchronized (this) {
            detected = new ArrayList<>(seen);
        }
        detected.sort(Comparator.comparingLong(Seen::ptsMillis));
        boolean h264 = avcodec_find_encoder(AV_CODEC_ID_H264) != null;
        long frames = 0;
        long withBoxes = 0;
        FFmpegFrameRecorder recorder = null;
        try (FrameSource source = new FfmpegFrameSource(SourceUri.parse(settings.source()));
                OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            source.open();
            int next = 0;
            FrameSource.Frame f;
            while ((f = source.grab()) != null) {
                Mat image = f.image(); // this pass's own decode: drawing in place touches nothing of the run
                if (recorder == null) {
                    recorder = new FFmpegFrameRecorder(out.toFile(), image.cols(), image.rows(), 0);
                    recorder.setFormat("mp4");
                    recorder.setVideoCodec(h264 ? AV_CODEC_ID_H264 : AV_CODEC_ID_MPEG4);
                    recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
                    recorder.setFrameRate(source.frameRate() > 0 ? source.frameRate() : 25);
                    recorder.setVideoQuality(h264 ? 23 : 4);
                    recorder.start();
                }
                while (next < detected.size() && detected.get(next).ptsMillis() <= f.ptsMillis()) {
                    next++;
                }
                Seen latest = next == 0 ? null : detected.get(next - 1);
                Overlay.mask(image, 1.0, settings.motion().mask(), image.cols(), image.rows());
                if (latest != null && f.ptsMillis() - latest.ptsMillis() <= HOLD_MS) {
                    Overlay.detections(image, 1.0, latest.detections(), latest.trackIds(),
                            Math.max(2, image.cols() / 320));
                    withBoxes++;
                }
                recorder.record(converter.convert(image));
                frames++;
            }
            if (recorder != null) {
                recorder.stop();
            }
        } catch (FrameRecorder.Exception e) {
            throw new IOException("cannot write " + out + ": " + e.getMessage(), e);
        } finally {
            if (recorder != null) {
                recorder.release();
            }
        }
        return new Result(frames, withBoxes, h264 ? "h264" : "mpeg4");
    }
}
