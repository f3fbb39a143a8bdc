package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edge-cascade quantize} as a user runs it. The acceptance run (calibrate on 50 COCO images, evaluate on the
 * other 50) is the one slow test here, about a minute on 2 busy cores; the bad inputs fail before any inference.
 *
 * <p>Why the agreement floor holds on any x86-64 CPU: the int8 Convs run as integer kernels with 7-bit weights, whose
 * arithmetic is exact on AVX2 (no VPMADDUBSW saturation), AVX-512 and VNNI alike, and the sensitivity search decides
 * on a measure that near-threshold boxes do not flip; what still differs between CPUs is the FP32 reference's float
 * rounding. Emulating another CPU's float kernels (ONNX Runtime without its NCHWc layout) gave 0.933 against 0.928.
 */
class QuantizeCommandTest {

    @TempDir
    Path dir;

    @Test
    void calibratedOnHalfTheCocoImagesItAgreesWithFp32OnTheOtherHalf() throws Exception {
        List<Path> images;
        try (Stream<Path> s = Files.list(TestAssets.root().resolve("images/coco"))) {
            images = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        assertEquals(100, images.size());
        Path calib = Files.createDirectory(dir.resolve("calib"));
        Path eval = Files.createDirectory(dir.resolve("eval"));
        for (int i = 0; i < images.size(); i++) {
            Files.createSymbolicLink((i < 50 ? calib : eval).resolve(images.get(i).getFileName()), images.get(i));
        }
        Path out = dir.resolve("yolox_nano_int8.onnx");
        Path report = dir.resolve("report.json");
        Cli r = Cli.run("quantize", "--model", TestAssets.model().toString(), "--calibration", calib.toString(),
                "--frames", "50", "--eval", eval.toString(), "--out", out.toString(), "--report", report.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.size(out) > 0);
        JsonNode j = new ObjectMapper().readTree(report.toFile());
        for (String key : List.of("agreement_map50", "fp32_ms_p50", "int8_ms_p50", "speedup", "quantized_nodes",
                "fp32_nodes", "kept_fp32", "integer_convs", "weight_bits")) {
            assertTrue(j.has(key), key + " in " + j);
        }
        assertTrue(j.get("agreement_map50").asDouble() >= 0.90, "agreement floor: " + j);
        assertEquals(50, j.get("eval_frames").asInt());
        assertEquals(50, j.get("calibration_frames").asInt());
        assertTrue(j.get("quantized_nodes").asInt() > 50, j.toString());
        assertEquals(j.get("quantized_nodes").asInt(), j.get("integer_convs").asInt(),
                "ONNX Runtime runs every int8 Conv as an integer kernel: " + j);
        assertEquals(7, j.get("weight_bits").asInt(), "7-bit weights: the same integer results on every x86 CPU");
        for (JsonNode k : j.get("kept_fp32")) {
            assertFalse(k.get("reason").asText().isBlank(), "every tensor kept in FP32 says why: " + k);
        }
        assertTrue(r.out().contains("agreement mAP@0.5"), r.out());
    }

    @Test
    void badInputsEndWithOneLineNamingTheFix() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertOneLine(Cli.run("quantize", "--model", TestAssets.model().toString(), "--calibration", empty.toString(),
                "--out", dir.resolve("o.onnx").toString()), "no calibration frames");
        Path text = Files.writeString(dir.resolve("notes.onnx"), "not a model");
        assertOneLine(Cli.run("quantize", "--model", text.toString(), "--calibration", empty.toString(),
                "--out", dir.resolve("o.onnx").toString()), "is not an ONNX model");
        assertOneLine(Cli.run("quantize", "--model", TestAssets.model().toString(), "--calibration", empty.toString(),
                "--method", "median", "--out", dir.resolve("o.onnx").toString()), "--method 'median' is not known");
        assertFalse(Files.exists(dir.resolve("o.onnx")), "nothing is written on failure");
    }

    private static void assertOneLine(Cli r, String expected) {
        assertTrue(r.exitCode() != 0, r.toString());
        assertEquals(1, r.errLines().size(), "exactly one error line: " + r);
        assertTrue(r.errLines().get(0).contains(expected), "expected '" + expected + "' in: " + r);
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    }
}
