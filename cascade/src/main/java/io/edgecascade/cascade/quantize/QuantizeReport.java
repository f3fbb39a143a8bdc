package io.edgecascade.cascade.quantize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a quantization produced and how well it agrees with the FP32 model.
 *
 * @param agreementMap50 mAP@0.5 of the INT8 model's detections against the FP32 model's on the evaluation frames
 * @param fp32MsP50      median FP32 inference on the evaluation frames (ONNX Runtime CPU)
 * @param int8MsP50      median INT8 inference on the same frames
 * @param quantizedNodes Conv nodes that run in int8 (quantized input, weights and output)
 * @param fp32Nodes      compute nodes left in float
 * @param keptFp32       Convs the sensitivity analysis left in float, and why
 * @param method         calibration method
 * @param calibrationFrames frames calibrated on
 * @param evalFrames     frames evaluated on (never calibrated on)
 * @param calibrationAgreement agreement on the calibration frames the sensitivity analysis used, after it
 * @param integerConvs   convolutions ONNX Runtime's CPU provider runs as integer kernels (QLinearConv, ConvInteger)
 *                       in its optimized graph; equal to {@code quantizedNodes} when every int8 Conv was fused
 * @param weightBits     bits of the weight codes: 7 with uint8 activations (exact on every x86 CPU), 8 with int8
 */
public record QuantizeReport(double agreementMap50, double fp32MsP50, double int8MsP50, int quantizedNodes,
        int fp32Nodes, List<KeptTensor> keptFp32, String method, int calibrationFrames, int evalFrames,
        double calibrationAgreement, int integerConvs, int weightBits) {

    /** A Conv kept in float, named by its output tensor: its SQNR under int8, and why. */
    public record KeptTensor(String tensor, double sqnrDb, String reason) {
    }

    public double speedup() {
        return int8MsP50 > 0 ? fp32MsP50 / int8MsP50 : 0;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agreement_map50", round(agreementMap50));
        m.put("fp32_ms_p50", round(fp32MsP50));
        m.put("int8_ms_p50", round(int8MsP50));
        m.put("speedup", round(speedup()));
        m.put("quantized_nodes", quantizedNodes);
        m.put("fp32_nodes", fp32Nodes);
        m.put("integer_convs", integerConvs);
        m.put("weight_bits", weightBits);
        m.put("kept_fp32", keptFp32.stream().map(k -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("tensor", k.tensor());
            t.put("sqnr_db", round(k.sqnrDb()));
            t.put("reason", k.reason());
            return t;
        }).toList());
        m.put("method", method);
        m.put("calibration_frames", calibrationFrames);
        m.put("eval_frames", evalFrames);
        m.put("calibration_agreement_map50", round(calibrationAgreement));
        return m;
    }

    private static double round(double d) {
        return Math.round(d * 10000) / 10000.0;
    }

    public void write(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toMap());
    }

    /** One line for the console. */
    public String summary() {
        return String.format(Locale.ROOT, "agreement mAP@0.5 %.3f on %d held-out frames; inference p50 %.2f ms FP32,"
                + " %.2f ms INT8 (%.2fx); %d Conv nodes in int8 (%d run as ONNX Runtime integer kernels), %d nodes"
                + " in float, %d Convs kept in FP32", agreementMap50, evalFrames, fp32MsP50, int8MsP50, speedup(),
                quantizedNodes, integerConvs, fp32Nodes, keptFp32.size());
    }
}
