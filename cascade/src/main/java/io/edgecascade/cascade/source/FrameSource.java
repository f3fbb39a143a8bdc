package io.edgecascade.cascade.source;

/**
 * Where a camera's frames come from. {@link #grab()} returns a frame that is only valid until the next call
 * (sources decode into a reused buffer); a stage that keeps a frame copies it. Not thread-safe: one capture
 * thread owns a source.
 */
public interface FrameSource extends AutoCloseable {

    /** Connects or opens the file; the message of a failure names the problem and the fix. */
    void open() throws SourceException;

    /**
     * The next frame, or {@code null} at the end of a file. Frames that fail to decode are counted in
     * {@link #decodeErrors()} and skipped; a source that cannot go on throws.
     */
    Frame grab() throws SourceException;

    /** Frames per second the stream declares, or 0 when unknown. */
    double frameRate();

    /** True for cameras and network streams, false for files (which end, and may be read faster than live). */
    boolean isLive();

    /** Frames that could not be decoded so far. */
    long decodeErrors();

    /** A short description safe to log: never contains credentials. */
    String describe();

    /**
     * Asks a {@link #grab()} blocked on the network (on another thread) to give up soon; after it, grab may
     * return null. Files never block for long, so by default this does nothing. Any thread may call it.
     */
    default void abort() {
    }

    /**
     * Closes the input and opens it again at the next {@link #grab()}: a live camera's reconnect (with its backoff)
     * after frames failed {@code pipeline.error_budget} times in a row. A source that cannot be opened again (a plain
     * file) throws, and its camera ends with that error.
     *
     * @param reason why, for the log and the camera's {@code last_error}
     */
    default void restart(String reason) throws SourceException {
        throw new SourceException(describe() + ": " + reason + "; the source cannot be reopened");
    }

    @Override
    void close();

    /**
     * A frame borrowed from the source: the pixels are overwritten by the next {@link #grab()}.
     *
     * @param sequence     0-based frame index
     * @param ptsMillis    presentation timestamp in ms
     * @param luma         the decoder's own luma plane (8 bits, one channel), or null when the source has only BGR
     * @param limitedRange the luma uses the video range 16..235 (not 0..255)
     * @param bgr          gives the BGR pixels, owned by the source; a source with luma converts on the first call
     */
    record Frame(long sequence, long ptsMillis, org.bytedeco.opencv.opencv_core.Mat luma, boolean limitedRange,
            java.util.function.Supplier<org.bytedeco.opencv.opencv_core.Mat> bgr) {

        /** A frame decoded straight to BGR. */
        public Frame(long sequence, long ptsMillis, org.bytedeco.opencv.opencv_core.Mat image) {
            this(sequence, ptsMillis, null, false, () -> image);
        }

        /** The BGR pixels (converted now if the source decoded to luma first). */
        public org.bytedeco.opencv.opencv_core.Mat image() {
            return bgr.get();
        }

        /** The same frame at another place in the timeline. */
        public Frame renumbered(long newSequence, long newPtsMillis) {
            return new Frame(newSequence, newPtsMillis, luma, limitedRange, bgr);
        }
    }
}
