package io.edgecascade.cascade.ui;

import io.edgecascade.cascade.bestframe.JpegCodec;
import org.bytedeco.opencv.opencv_core.Mat;

/** JPEG encoding of the page's images. */
final class Jpeg {

    /** Good enough to judge a detection and a third the size of the default 95. */
    static final int QUALITY = 80;

    private Jpeg() {
    }

    static byte[] encode(Mat bgr) {
        return JpegCodec.encode(bgr, QUALITY);
    }
}
