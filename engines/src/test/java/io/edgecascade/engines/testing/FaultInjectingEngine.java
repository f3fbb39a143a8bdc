package io.edgecascade.engines.testing;

import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineFactory;
import io.edgecascade.engines.EngineInfo;
import io.edgecascade.engines.EngineOptions;
import io.edgecascade.engines.InferenceEngine;
import io.edgecascade.engines.OnnxRuntimeCpuEngine;
import io.edgecascade.engines.TensorSpec;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The chaos soak's engine ({@code scripts/chaos-soak.sh}): ONNX Runtime on the CPU whose {@link #infer()} fails on
 * purpose, as a flaky GPU driver would. Test code: it reaches an agent only through the engines' ServiceLoader, from a
 * jar the soak builds out of the test classes and puts on the agent's class path ({@code EDGE_CASCADE_CLASSPATH}),
 * with {@code engine: fault-injecting} in the config.
 *
 * <p>The inferences of the whole process are numbered from 1, across every session (a detector worker that reopens
 * its session after {@code pipeline.error_budget} failures keeps counting where it was), and inference {@code n}
 * throws an {@link EngineException} when {@code n} is a multiple of {@link Schedule#every()} or lies in
 * {@code [burstAt, burstAt + burstLength)}. Set by system properties (through {@code JAVA_OPTS}):
 * {@code edgecascade.faults.every} (default 50), {@code edgecascade.faults.burst_at} (default 300) and
 * {@code edgecascade.faults.burst_length} (default 20; 0 = no burst).
 */
public final class FaultInjectingEngine implements InferenceEngine {

    public static final String NAME = "fault-injecting";
    /** Written in every injected failure's message, so a log can tell them from real ones. */
    public static final String MARK = "injected fault";

    /** Which inferences fail: every {@code every}-th (0 = none) and {@code burstLength} from {@code burstAt} on. */
    public record Schedule(long every, long burstAt, long burstLength) {

        public Schedule {
            if (every < 0 || burstAt < 1 || burstLength < 0) {
                throw new IllegalArgumentException("fault schedule: every >= 0, burst_at >= 1, burst_length >= 0");
            }
        }

        /** The schedule the system properties give. */
        public static Schedule fromSystemProperties() {
            return new Schedule(Long.getLong("edgecascade.faults.every", 50),
                    Long.getLong("edgecascade.faults.burst_at", 300),
                    Long.getLong("edgecascade.faults.burst_length", 20));
        }

        /** Whether inference number {@code n} (from 1) fails. */
        public boolean fails(long n) {
            return every > 0 && n % every == 0 || n >= burstAt && n < burstAt + burstLength;
        }
    }

    /** The process's inference count, shared by every session of the registered factory. */
    private static final AtomicLong INFERENCES = new AtomicLong();

    private final InferenceEngine delegate;
    private final Schedule schedule;
    private final AtomicLong counter;

    FaultInjectingEngine(InferenceEngine delegate, Schedule schedule, AtomicLong counter) {
        this.delegate = delegate;
        this.schedule = schedule;
        this.counter = counter;
    }

    /** Registry entry: ONNX Runtime CPU sessions with the system properties' schedule and the process's count. */
    public static final class Factory implements EngineFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public InferenceEngine open(EngineOptions options) throws EngineException {
            return new FaultInjectingEngine(OnnxRuntimeCpuEngine.open(options), Schedule.fromSystemProperties(),
                    INFERENCES);
        }
    }

    @Override
    public EngineInfo info() {
        EngineInfo d = delegate.info();
        return new EngineInfo(NAME, d.device(), d.precision(), d.model());
    }

    @Override
    public List<TensorSpec> inputs() {
        return delegate.inputs();
    }

    @Override
    public List<TensorSpec> outputs() {
        return delegate.outputs();
    }

    @Override
    public FloatBuffer input(int index) {
        return delegate.input(index);
    }

    @Override
    public void infer() throws EngineException {
        long n = counter.incrementAndGet();
        if (schedule.fails(n)) {
            throw new EngineException(MARK + " on inference " + n + " (" + schedule + ")");
        }
        delegate.infer();
    }

    @Override
    public FloatBuffer output(int index) {
        return delegate.output(index);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
