package io.edgecascade.cascade.pipeline;

import io.edgecascade.cascade.api.Detection;
import io.edgecascade.cascade.detect.DetectionResult;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.engines.EngineException;
import io.edgecascade.engines.EngineInfo;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A detector for pipeline tests whose n-th call (1-based, counted over every detector made from the same
 * {@link Script}) does what the script says: find one person, find nothing, throw, or wait. Stands in for an engine
 * that fails on some inputs, a native library that throws an {@link Error}, or an engine that hangs.
 */
public class ScriptedDetector implements ObjectDetector {

    /** What the n-th call does. */
    @FunctionalInterface
    public interface Script {
        /** Returns the detections, or throws; may sleep. */
        List<Detection> call(int n) throws EngineException;

        /**
         * Throws what {@code failure} makes on the calls {@code when} picks (an EngineException, a RuntimeException or
         * an Error), else finds {@code otherwise}.
         */
        static Script failing(java.util.function.IntPredicate when,
                java.util.function.IntFunction<? extends Throwable> failure, List<Detection> otherwise) {
            return n -> {
                if (when.test(n)) {
                    Throwable t = failure.apply(n);
                    if (t instanceof EngineException e) {
                        throw e;
                    }
                    if (t instanceof Error e) {
                        throw e;
                    }
                    throw (RuntimeException) t;
                }
                return otherwise;
            };
        }
    }

    /** One person in the top-left corner, scoring 0.9. */
    public static final List<Detection> PERSON = List.of(new Detection("person", 0, 0.9f, 10, 10, 60, 120));

    private final Script script;
    private final AtomicInteger calls;
    final AtomicInteger closed = new AtomicInteger();

    /** Thrown by {@link #close()} when set: a native free that fails. */
    volatile RuntimeException closeFailure;

    public ScriptedDetector(Script script, AtomicInteger calls) {
        this.script = script;
        this.calls = calls;
    }

    public ScriptedDetector(Script script) {
        this(script, new AtomicInteger());
    }

    int calls() {
        return calls.get();
    }

    @Override
    public DetectionResult detect(Mat bgr, float minScore, float nmsIou) throws EngineException {
        return new DetectionResult(script.call(calls.incrementAndGet()), 0, 0, 0);
    }

    @Override
    public List<String> labels() {
        return List.of("person");
    }

    @Override
    public EngineInfo engine() {
        return new EngineInfo("scripted-test", "cpu", "fp32", "none");
    }

    @Override
    public void close() {
        closed.incrementAndGet();
        if (closeFailure != null) {
            throw closeFailure;
        }
    }

    /** Sleeps, giving up quietly when interrupted (a stop). */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
