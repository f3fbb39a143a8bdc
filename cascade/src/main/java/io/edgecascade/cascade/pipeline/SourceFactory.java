package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.source.FfmpegFrameSource;
import io.edgecascade.cascade.source.FrameSource;
import io.edgecascade.cascade.source.SourceException;
import io.edgecascade.cascade.source.SourceUri;

/** Makes the frame source for a camera's {@code source:} value. */
@FunctionalInterface
public interface SourceFactory {

    FrameSource create(String source) throws SourceException;

    /** FFmpeg for files, network streams and USB cameras. */
    static SourceFactory ffmpeg() {
        return source -> new FfmpegFrameSource(SourceUri.parse(source));
    }
}
