package io.edgecascade.cascade.forward;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgecascade.cascade.kserve.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** The request encoder alone: no network, no spool. */
class RequestEncoderTest {

    private final RequestEncoder encoder = new RequestEncoder("yolox", "1");

    /** A 200x100 frame of one colour (B=10, G=20, R=30), JPEG-encoded at the best quality. */
    private static byte[] jpeg() {
        try (Mat m = new Mat(100, 200, CV_8UC3, new Scalar(10, 20, 30, 0)); BytePointer buf = new BytePointer()) {
            imencode(".png", m, buf); // lossless, so pixel values are exact
            byte[] b = new byte[(int) buf.limit()];
            buf.get(b);
            return b;
        }
    }

    private static ForwardItem item(byte[] image) {
        return new ForwardItem("cam:1:0:5", "cam", 1, 0, 5, "{\"detections\":[]}", image);
    }

    @Test
    void binaryModeSendsTheStoredImageAsOneBytesElementWithTheDetections() throws Exception {
        byte[] jpeg = jpeg();
        ModelInferRequest r = encoder.encode(item(jpeg), new InputSpec("images", "BYTES", List.of(1L)));
        assertEquals("cam:1:0:5", r.getId());
        assertEquals("yolox", r.getModelName());
        assertEquals("1", r.getModelVersion());
        assertEquals("BYTES", r.getInputs(0).getDatatype());
        assertArrayEquals(jpeg, r.getInputs(0).getContents().getBytesContents(0).toByteArray());
        assertEquals("{\"detections\":[]}",
                r.getParametersOrThrow(RequestEncoder.DETECTIONS_PARAMETER).getStringParam());
    }

    @Test
    void fp32ModeLetterboxesKeepingTheAspectRatioLikeTheCloudDetector() throws Exception {
        ModelInferRequest r = encoder.encode(item(jpeg()), new InputSpec("images", "FP32", List.of(1L, 3L, 64L, 64L)));
        assertEquals(List.of(1L, 3L, 64L, 64L), r.getInputs(0).getShapeList());
        ByteBuffer raw = r.getRawInputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3 * 64 * 64 * 4, raw.remaining());
        // 200x100 scaled by 0.32 -> 64x32 at the top; rows 32.. are padding (114), not a stretched frame
        int plane = 64 * 64;
        float[] bgr = {10, 20, 30};
        for (int c = 0; c < 3; c++) {
            assertEquals(bgr[c], raw.getFloat(4 * (c * plane + 10 * 64 + 10)), 0.5f, "frame pixel, channel " + c);
            assertEquals(114f, raw.getFloat(4 * (c * plane + 50 * 64 + 10)), 0f, "padding, channel " + c);
        }
    }

    @Test
    void uint8ModeLetterboxesInterleavedPixels() throws Exception {
        ModelInferRequest r = encoder.encode(item(jpeg()), new InputSpec("x", "UINT8", List.of(1L, 64L, 64L, 3L)));
        byte[] px = r.getRawInputContents(0).toByteArray();
        assertEquals(64 * 64 * 3, px.length);
        int inFrame = (10 * 64 + 10) * 3;
        int padding = (50 * 64 + 10) * 3;
        assertArrayEquals(new byte[] {10, 20, 30}, new byte[] {px[inFrame], px[inFrame + 1], px[inFrame + 2]});
        assertArrayEquals(new byte[] {114, 114, 114}, new byte[] {px[padding], px[padding + 1], px[padding + 2]});
    }

    @Test
    void aRecordWhoseImageDoesNotDecodeIsTheRecordsOwnFaultAndAMissingSpecIsABug() {
        assertThrows(RequestEncoder.UnusableRecord.class, () -> encoder.encode(item(new byte[] {1, 2, 3}),
                new InputSpec("images", "FP32", List.of(1L, 3L, 64L, 64L))));
        assertThrows(NullPointerException.class, () -> encoder.encode(item(jpeg()), null));
    }
}
