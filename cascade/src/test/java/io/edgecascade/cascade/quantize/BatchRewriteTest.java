package io.edgecascade.cascade.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.edgecascade.cascade.TestAssets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A batch of N frames in one inference gives what N inferences of one frame give, FP32 and INT8. */
class BatchRewriteTest {

    private static final int SIDE = 416;
    private static final int FRAME = 3 * SIDE * SIDE;

    @Test
    void batchOfFourEqualsFourSingleFrameRunsInFp32() throws Exception {
        OnnxMl.ModelProto model = OnnxGraphs.load(TestAssets.model());
        float worst = compare(model, 4);
        assertTrue(worst <= 1e-4f, "FP32 batch 4 against batch 1, largest relative difference " + worst);
    }

    @Test
    void batchOfThreeEqualsThreeSingleFrameRunsOnIntegerKernels() throws Exception {
        OnnxMl.ModelProto model = OnnxGraphs.load(TestAssets.model());
        QdqPlacement placement = new QdqPlacement(model);
        Set<String> int8 = new LinkedHashSet<>();
        placement.convs().subList(2, placement.convs().size()).forEach(c -> int8.add(c.getOutput(0)));
        Map<String, QuantParams> params = new LinkedHashMap<>();
        placement.tensors(int8).forEach(t -> params.put(t, QuantParams.of(-0.3, 8.0, false)));
        OnnxMl.ModelProto q = QdqWriter.write(model, new QdqWriter.Plan(params, int8,
                QdqWriter.UINT8_ACTIVATION_WEIGHT_MAX, Map.of()));
        float worst = compare(q, 3);
        assertTrue(worst <= 1e-4f, "INT8 batch 3 against batch 1, largest relative difference " + worst);
    }

    @Test
    void theRewriteChangesTheInputOutputAndReshapeShapes() throws Exception {
        OnnxMl.ModelProto b = BatchRewrite.withBatch(OnnxGraphs.load(TestAssets.model()), 8);
        assertEquals(8, b.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimValue());
        assertEquals(8, b.getGraph().getOutput(0).getType().getTensorType().getShape().getDim(0).getDimValue());
        assertEquals(0, b.getGraph().getValueInfoCount(), "stale batch-1 shapes are dropped");
        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(b.toByteArray(),
                new OrtSession.SessionOptions())) {
            assertEquals(8L, ((ai.onnxruntime.TensorInfo) s.getOutputInfo().values().iterator().next().getInfo())
                    .getShape()[0]);
        }
    }

    @Test
    void modelsItCannotRewriteSayWhy() throws Exception {
        OnnxMl.ModelProto model = OnnxGraphs.load(TestAssets.model());
        assertThrows(IllegalArgumentException.class, () -> BatchRewrite.withBatch(model, 0));
        OnnxMl.ModelProto twice = BatchRewrite.withBatch(model, 2);
        QuantizeException e = assertThrows(QuantizeException.class, () -> BatchRewrite.withBatch(twice, 4));
        assertTrue(e.getMessage().contains("has batch 2, not 1"), e.getMessage());
    }

    /** Runs {@code batch} different frames as one batch and one by one; the largest relative difference. */
    private static float compare(OnnxMl.ModelProto model, int batch) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        CalibrationFrames frames = CalibrationFrames.load(TestAssets.root().resolve("images/coco").toString(), batch,
                SIDE, SIDE, n -> { });
        FloatBuffer all = ByteBuffer.allocateDirect(batch * FRAME * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        FloatBuffer one = ByteBuffer.allocateDirect(FRAME * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
                OrtSession single = env.createSession(model.toByteArray(), so);
                OrtSession batched = env.createSession(BatchRewrite.withBatch(model, batch).toByteArray(), so)) {
            for (int i = 0; i < batch; i++) {
                frames.fill(i, one);
                all.position(i * FRAME);
                all.put(one.duplicate());
            }
            all.clear();
            float[] joint;
            try (OnnxTensor in = OnnxTensor.createTensor(env, all, new long[] {batch, 3, SIDE, SIDE});
                    OrtSession.Result r = batched.run(Map.of("images", in))) {
                FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
                joint = new float[out.remaining()];
                out.get(joint);
            }
            int per = joint.length / batch;
            float worst = 0;
            for (int i = 0; i < batch; i++) {
                frames.fill(i, one);
                try (OnnxTensor in = OnnxTensor.createTensor(env, one, new long[] {1, 3, SIDE, SIDE});
                        OrtSession.Result r = single.run(Map.of("images", in))) {
                    FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
                    assertEquals(per, out.remaining());
                    for (int k = 0; k < per; k++) {
                        float a = out.get(k);
                        float b = joint[i * per + k];
                        worst = Math.max(worst, Math.abs(a - b) / Math.max(1f, Math.abs(a)));
                    }
                }
            }
            return worst;
        }
    }
}
