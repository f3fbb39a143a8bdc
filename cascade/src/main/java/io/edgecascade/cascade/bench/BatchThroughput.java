package io.edgecascade.cascade.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.edgecascade.cascade.quantize.BatchRewrite;
import io.edgecascade.cascade.quantize.CalibrationFrames;
import io.edgecascade.cascade.quantize.QuantizeException;
import io.edgecascade.cascade.quantize.Quantizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The detector's raw throughput by batch size on ONNX Runtime's CPU provider: the model rewritten to each batch
 * ({@link BatchRewrite}), real frames letterboxed as the detector does, the sizes measured in interleaved rounds (so
 * that load from other processes hits them alike), frames per second and, with one thread, CPU milliseconds per
 * frame of the inferring thread (what other load does not change).
 */
public final class BatchThroughput {

    /** One batch size's figures: medians over the rounds. */
    public record Result(int batch, double framesPerSecond, double cpuMsPerFrame) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "batch %d: %.1f frames/s, %.2f ms CPU per frame", batch,
                    framesPerSecond, cpuMsPerFrame);
        }
    }

    private BatchThroughput() {
    }

    /**
     * @param frames frames per size per round (rounded up to whole batches)
     */
    public static List<Result> run(Path model, String source, List<Integer> sizes, int threads, int rounds,
            int frames) throws QuantizeException, OrtException {
        int[] size = Quantizer.inputSize(model);
        int frameFloats = 3 * size[0] * size[1];
        int largest = sizes.stream().mapToInt(Integer::intValue).max().orElse(1);
        CalibrationFrames pictures = CalibrationFrames.load(source, largest, size[0], size[1], n -> { });
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OrtSession> sessions = new ArrayList<>();
        List<OnnxTensor> inputs = new ArrayList<>();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            String inputName = null;
            for (int b : sizes) {
                OrtSession s = env.createSession(BatchRewrite.withBatch(model, b), so);
                sessions.add(s);
                inputName = s.getInputNames().iterator().next();
                FloatBuffer buf = ByteBuffer.allocateDirect(b * frameFloats * 4).order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
                FloatBuffer one = ByteBuffer.allocateDirect(frameFloats * 4).order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
                for (int i = 0; i < b; i++) {
                    pictures.fill(i % pictures.size(), one);
                    buf.position(i * frameFloats);
                    buf.put(one);
                }
                buf.clear();
                inputs.add(OnnxTensor.createTensor(env, buf, new long[] {b, 3, size[1], size[0]}));
            }
            double[][] fps = new double[sizes.size()][rounds];
            double[][] cpuMs = new double[sizes.size()][rounds];
            for (int i = 0; i < sizes.size(); i++) {
                sessions.get(i).run(Map.of(inputName, inputs.get(i))).close(); // first run allocates
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < sizes.size(); i++) {
                    int b = sizes.get(i);
                    int runs = Math.max(1, (frames + b - 1) / b);
                    long c0 = cpu.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    for (int k = 0; k < runs; k++) {
                        sessions.get(i).run(Map.of(inputName, inputs.get(i))).close();
                    }
                    long wall = System.nanoTime() - t0;
                    long used = cpu.getCurrentThreadCpuTime() - c0;
                    fps[i][r] = runs * b / (wall / 1e9);
                    cpuMs[i][r] = used / 1e6 / (runs * b);
                }
            }
            List<Result> out = new ArrayList<>();
            for (int i = 0; i < sizes.size(); i++) {
                out.add(new Result(sizes.get(i), median(fps[i]), threads == 1 ? median(cpuMs[i]) : Double.NaN));
            }
            return out;
        } finally {
            inputs.forEach(OnnxTensor::close);
            for (OrtSession s : sessions) {
                s.close();
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
