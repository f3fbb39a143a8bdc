package io.edgecascade.engines;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * One loaded model on one backend. The hot path allocates nothing: callers fill the reusable direct
 * {@link #input(int)} buffers, call {@link #infer()}, and read the reusable {@link #output(int)} buffers,
 * which stay valid until the next {@code infer()}.
 *
 * <p>An engine is not thread-safe: a detector worker owns exactly one. Close it to free native memory.
 */
public interface InferenceEngine extends AutoCloseable {

    /** What runs: backend name, device, precision and model; shown in logs, summaries and metrics. */
    EngineInfo info();

    /** The model's inputs, in the order of {@link #input(int)}. Shapes are concrete (no dynamic dims). */
    List<TensorSpec> inputs();

    /** The model's outputs, in the order of {@link #output(int)}. */
    List<TensorSpec> outputs();

    /** Reusable direct buffer of input {@code index}, positioned at 0 with capacity = element count. */
    FloatBuffer input(int index);

    /** Runs the model on the current contents of the input buffers. */
    void infer() throws EngineException;

    /** Output {@code index} of the last {@link #infer()}, positioned at 0; overwritten by the next one. */
    FloatBuffer output(int index);

    @Override
    void close();
}
