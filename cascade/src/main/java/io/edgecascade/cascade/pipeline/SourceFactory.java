package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.source.FrameSource;
import io.edgecascade.cascade.source.InterruptibleFfmpegSource;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.source.SourceHealth;
import io.edgecascade.cascade.source.SourceUri;
import io.edgecascade.cascade.source.StreamOptions;
import io.edgecascade.cascade.source.SupervisedSource;

/** Makes the frame source for a camera's {@code source:} value. */
@FunctionalInterface
public interface SourceFactory {

    FrameSource create(String source) throws SourceException;

    /**
     * The source of a configured camera, reporting its connection to {@code health}. By default the plain
     * {@link #create(String)}.
     */
    default FrameSource create(CameraSettings camera, SourceHealth health) throws SourceException {
        return create(camera.source());
    }

    /**
     * FFmpeg, one decode path for all (luma for the gate, BGR for the frames that pass, the camera's
     * {@code hwaccel}): files as they are (or looped, {@code loop: true}); live cameras supervised (reconnect,
     * watchdog).
     */
    static SourceFactory ffmpeg() {
        return ffmpeg(null);
    }

    /**
     * Like {@link #ffmpeg()}, with each live camera's encoded video packets shown to the listener
     * {@code packets} gives for its id (null: none), e.g. a ring buffer for recording clips.
     */
    static SourceFactory ffmpeg(
            java.util.function.Function<String, InterruptibleFfmpegSource.PacketListener> packets) {
        return new SourceFactory() {
            @Override
            public FrameSource create(String source) throws SourceException {
                return new InterruptibleFfmpegSource(SourceUri.parse(source), StreamOptions.DEFAULTS, null);
            }

            @Override
            public FrameSource create(CameraSettings camera, SourceHealth health) throws SourceException {
                SourceUri uri = SourceUri.parse(camera.source());
                StreamOptions o = camera.stream();
                if (uri.live()) {
                    return new SupervisedSource(camera.id(), uri, o, () -> new InterruptibleFfmpegSource(uri, o,
                            packets == null ? null : packets.apply(camera.id())), health);
                }
                if (o.loop()) {
                    return new SupervisedSource(camera.id(), uri, o, () -> new InterruptibleFfmpegSource(uri, o, null),
                            health);
                }
                return new InterruptibleFfmpegSource(uri, o, null);
            }
        };
    }
}
