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

    /**
     * A frame much larger than the tensor is decoded reduced (libjpeg's scaling) and gives the same letterbox: the
     * picture in the same place, the padding the same, the pixels within a JPEG's error of a full decode's.
     */
    @Test
    void aLargeFrameDecodedReducedLetterboxesLikeTheFullDecode() throws Exception {
        byte[] jpeg;
        try (Mat m = new Mat(1728, 3072, CV_8UC3, new Scalar(10, 20, 30, 0));
                Mat left = new Mat(m, new org.bytedeco.opencv.opencv_core.Rect(0, 0, 1536, 1728));
                Scalar white = new Scalar(200, 210, 220, 0)) {
            left.put(white); // the left half another colour: the letterbox keeps left and right apart
            jpeg = io.edgecascade.cascade.bestframe.JpegCodec.encode(m, 95);
        }
        InputSpec spec = new InputSpec("images", "FP32", List.of(1L, 3L, 416L, 416L));
        assertEquals(4, RequestEncoder.reduction(jpeg, spec));
        ByteBuffer raw = encoder.encode(item(jpeg), spec).getRawInputContents(0).asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer whole;
        try (Mat full = io.edgecascade.cascade.bestframe.JpegCodec.decode(jpeg)) {
            whole = RequestEncoder.planarFloats(full, 416, 416).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        assertEquals(whole.remaining(), raw.remaining());
        int plane = 416 * 416;
        int differing = 0;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 416; y++) {
                for (int x = 0; x < 416; x++) {
                    int at = 4 * (c * plane + y * 416 + x);
                    float a = raw.getFloat(at);
                    float b = whole.getFloat(at);
                    if (Math.abs(x - 208) > 2 && Math.abs(a - b) > 4) { // the colour edge at x 208 is smoothed
                        differing++;
                    }
                    if (y >= 233) { // 1728 x 416 / 3072 rounds down to 233 picture rows, in both
                        assertEquals(114f, a, 0f, "padding at row " + y);
                    }
                }
            }
        }
        assertEquals(0, differing, "pixels off the full decode's letterbox by more than 4");
        assertEquals(200f, raw.getFloat(4 * (100 * 416 + 50)), 3f, "the left half");
        assertEquals(10f, raw.getFloat(4 * (100 * 416 + 350)), 3f, "the right half");
    }

    @Test
    void aTensorOfTheFramesOwnSizeOrAnImageWithoutAJpegHeaderIsDecodedWhole() {
        assertEquals(1, RequestEncoder.reduction(jpeg(), new InputSpec("images", "FP32", List.of(1L, 3L, 64L,
                64L)))); // a PNG
        byte[] big = io.edgecascade.cascade.bestframe.JpegCodec.encode(new Mat(1080, 1920, CV_8UC3), 90);
        assertEquals(1, RequestEncoder.reduction(big, new InputSpec("x", "UINT8", List.of(1L, -1L, -1L, 3L))));
        assertEquals(1, RequestEncoder.reduction(big, new InputSpec("x", "UINT8", List.of(1L, 1080L, 1920L, 3L))));
        assertEquals(2, RequestEncoder.reduction(big, new InputSpec("x", "UINT8", List.of(1L, 540L, 960L, 3L))));
    }

    @Test
    void aRecordWhoseImageDoesNotDecodeIsTheRecordsOwnFaultAndAMissingSpecIsABug() {
        assertThrows(RequestEncoder.UnusableRecord.class, () -> encoder.encode(item(new byte[] {1, 2, 3}),
                new InputSpec("images", "FP32", List.of(1L, 3L, 64L, 64L))));
        assertThrows(NullPointerException.class, () -> encoder.encode(item(jpeg()), null));
    }
}
