package io.edgecascade.cascade.motion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.source.FfmpegFrameSource;
import io.edgecascade.cascade.source.FrameSource;
import io.edgecascade.cascade.source.SourceUri;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MotionMaskTest {

    /** The clock's corner of the frame: top-left 50% x 20%, in fractions. */
    private static final Polygon CLOCK = Polygon.of(0, 0, 0.5, 0, 0.5, 0.2, 0, 0.2);
    private static final String FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    @Test
    void polygonsInFractionsAndPixels() {
        Polygon frac = Polygon.of(0, 0, 0.5, 0, 0.5, 0.5);
        assertTrue(frac.fractions());
        assertNull(frac.problemFor(100, 100));
        Polygon px = Polygon.of(10, 10, 90, 10, 90, 90, 10, 90);
        assertFalse(px.fractions());
        assertTrue(px.contains(50, 50));
        assertFalse(px.contains(5, 50));
        assertEquals(6400, px.area(), 1e-9);
        assertNull(px.problemFor(100, 100));
        assertTrue(px.problemFor(80, 80).contains("(90, 10) is outside the 80x80 frame"), px.problemFor(80, 80));
        assertTrue(frac.inPixels(200, 100).contains(90, 10));
        assertThrows(IllegalArgumentException.class, () -> Polygon.of(0, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Polygon.of(0, 0, -1, 1, 2, 2));
    }

    @Test
    void zonesHoldObjectsByTheBottomCentreOfTheirBox() {
        Zone door = new Zone("door", Polygon.of(0.5, 0.5, 1, 0.5, 1, 1, 0.5, 1));
        assertTrue(door.holds(300, 100, 400, 300, 400, 400), "feet at (350, 300)");
        assertFalse(door.holds(300, 0, 400, 150, 400, 400), "feet at (350, 150): above the zone");
    }

    @Test
    void theMaskIsRenderedAtTheGatesScaleAndAPixelPolygonOutsideTheFrameIsRefused() {
        byte[] m = MotionMask.allowedPixels(List.of(Polygon.of(0, 0, 0.5, 0, 0.5, 1, 0, 1)), 640, 360, 8, 4);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(x < 4 ? 0 : (byte) 255, m[y * 8 + x], "pixel " + x + "," + y);
            }
        }
        byte[] px = MotionMask.allowedPixels(List.of(Polygon.of(0, 0, 320, 0, 320, 360, 0, 360)), 640, 360, 8, 4);
        assertEquals(java.util.Arrays.toString(m), java.util.Arrays.toString(px), "pixels and fractions agree");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MotionMask.allowedPixels(
                List.of(CLOCK, Polygon.of(0, 0, 700, 0, 700, 100)), 640, 360, 8, 4));
        assertTrue(e.getMessage().startsWith("motion.mask polygon 2: point (700, 0) is outside the 640x360 frame"),
                e.getMessage());
    }

    @Test
    void motionInsideTheMaskNeverOpensTheGate() {
        MotionSettings s = MotionSettings.DEFAULTS.withMask(List.of(CLOCK));
        try (MotionGate gate = MotionGate.create(s); MotionGate open = MotionGate.create(MotionSettings.DEFAULTS)) {
            for (int i = 0; i < 20; i++) {
                // A bright square blinking in the top-left corner, inside the mask.
                try (Mat frame = new Mat(360, 640, org.bytedeco.opencv.global.opencv_core.CV_8UC3,
                        new Scalar(60, 60, 60, 0))) {
                    if (i % 2 == 1) {
                        try (Mat corner = frame.apply(new org.bytedeco.opencv.opencv_core.Rect(20, 20, 100, 50))) {
                            corner.put(new Scalar(250, 250, 250, 0));
                        }
                    }
                    boolean masked = gate.decide(frame, i * 100L).verdict() != MotionGate.Verdict.STILL;
                    boolean unmasked = open.decide(frame, i * 100L).verdict() != MotionGate.Verdict.STILL;
                    assertFalse(masked, "masked gate opened at frame " + i);
                    if (i >= 1) {
                        assertTrue(unmasked, "without the mask the blinking opens the gate at frame " + i);
                    }
                }
            }
        }
    }

    /** Share of frames that found the gate open (passed or throttled), and passed. */
    private record Ratio(double open, double passed) {
    }

    private static Ratio gateRatio(Path video, MotionSettings settings) throws Exception {
        long frames = 0;
        long open = 0;
        long passed = 0;
        try (MotionGate gate = MotionGate.create(settings);
                FrameSource source = new FfmpegFrameSource(SourceUri.parse(video.toString()))) {
            source.open();
            FrameSource.Frame f;
            while ((f = source.grab()) != null) {
                frames++;
                MotionGate.Decision d = gate.decide(f.image(), f.ptsMillis());
                open += d.verdict() != MotionGate.Verdict.STILL ? 1 : 0;
                passed += d.passes() ? 1 : 0;
            }
        }
        return new Ratio((double) open / frames, (double) passed / frames);
    }

    @Test
    void aBurntInClockKeepsTheGateOpenUnlessMasked(@TempDir Path dir) throws Exception {
        assertTrue(Files.isRegularFile(Path.of(FONT)), "font missing: install the Debian package fonts-dejavu-core");
        Path clock = dir.resolve("clock.mp4");
        TestAssets.ffmpeg("-i", TestAssets.personVideo().toString(), "-vf", "drawtext=fontfile=" + FONT
                + ":text='%{pts\\:hms}':fontsize=44:fontcolor=white:box=1:boxcolor=black@0.6:x=12:y=12", "-an", "-c:v",
                "libx264", "-preset", "ultrafast", "-g", "30", clock.toString());
        Ratio clean = gateRatio(TestAssets.personVideo(), MotionSettings.DEFAULTS);
        Ratio unmasked = gateRatio(clock, MotionSettings.DEFAULTS);
        Ratio masked = gateRatio(clock, MotionSettings.DEFAULTS.withMask(List.of(CLOCK)));
        System.out.printf("gate open / passed: clean video %.1f%% / %.1f%%, clock unmasked %.1f%% / %.1f%%, clock"
                + " masked %.1f%% / %.1f%%%n", 100 * clean.open(), 100 * clean.passed(), 100 * unmasked.open(),
                100 * unmasked.passed(), 100 * masked.open(), 100 * masked.passed());
        assertTrue(unmasked.open() > 0.95, "the ticking clock keeps the gate open: " + unmasked);
        assertTrue(masked.open() <= clean.open() + 0.03, "masked " + masked + " against the clean video " + clean);
    }
}
