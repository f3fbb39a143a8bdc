package io.edgecascade.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgecascade.engines.probe.HardwareProfile;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

class EngineSelectorTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger selectorLog = (Logger) LoggerFactory.getLogger(EngineSelector.class);
    private final List<String> opened = new ArrayList<>();
    private static final EngineOptions OPTIONS = new EngineOptions(Path.of("model.onnx"), 1);

    @BeforeEach
    void attach() {
        log.start();
        selectorLog.addAppender(log);
        selectorLog.setLevel(Level.DEBUG);
    }

    @AfterEach
    void detach() {
        selectorLog.detachAppender(log);
    }

    /** A backend that opens (a fake engine) or fails with a given message; records every attempt. */
    private EngineFactory fake(String name, String failure, Function<HardwareProfile, Optional<String>> unavailable) {
        return new EngineFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public InferenceEngine open(EngineOptions options) throws EngineException {
                opened.add(name);
                if (failure != null) {
                    throw new EngineException(failure);
                }
                return new FakeEngine(name);
            }

            @Override
            public Optional<String> unavailable(HardwareProfile hw) {
                return unavailable.apply(hw);
            }
        };
    }

    private EngineFactory fake(String name, String failure) {
        return fake(name, failure, hw -> Optional.empty());
    }

    /** The five engines, each opening fine and available per probe unless said otherwise. */
    private EngineRegistry registry(HardwareProfile hw, EngineFactory... overrides) {
        List<EngineFactory> list = new ArrayList<>();
        for (String name : List.of("onnxruntime-cpu", "onnxruntime-cuda", "onnxruntime-tensorrt", "openvino",
                "tensorrt")) {
            EngineFactory f = Stream.of(overrides).filter(o -> o.name().equals(name)).findFirst()
                    .orElse(fake(name, null));
            list.add(f);
        }
        return new EngineRegistry(list, () -> hw);
    }

    static Stream<Arguments> machines() {
        return Stream.of(
                Arguments.of("Jetson Orin, JetPack 6.1", Profiles.jetsonOrin(), "tensorrt"),
                Arguments.of("dGPU with TensorRT", Profiles.dgpuWithTensorRt(), "onnxruntime-tensorrt"),
                Arguments.of("Intel NUC with OpenVINO", Profiles.intelNucWithOpenVino(), "openvino"),
                Arguments.of("Intel NUC without OpenVINO", Profiles.intelNucWithoutOpenVino(), "onnxruntime-cpu"),
                Arguments.of("AMD with OpenVINO", Profiles.amdWithOpenVino(), "onnxruntime-cpu"),
                Arguments.of("bare arm64", Profiles.bareArm(), "onnxruntime-cpu"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("machines")
    void autoPicksTheEngineForTheMachine(String machine, HardwareProfile hw, String expected) throws Exception {
        EngineRegistry registry = registry(hw);
        assertEquals(expected, registry.selector().choose());
        try (InferenceEngine e = registry.open("auto", OPTIONS)) {
            assertEquals(expected, e.info().name());
        }
        assertEquals(List.of(expected), opened, "auto opens its pick first and only");
        assertTrue(log.list.isEmpty(), "no warning when the pick loads");
    }

    @Test
    void dgpuWithoutTensorRtPicksCuda() {
        // the real ORT TensorRT factory rules itself out without libnvinfer; the selector must see that
        HardwareProfile hw = Profiles.dgpuCudaOnly();
        EngineRegistry registry = registry(hw, fake("onnxruntime-tensorrt", null,
                p -> p.loads(HardwareProfile.NVINFER) ? Optional.empty() : Optional.of("no libnvinfer")));
        assertEquals("onnxruntime-cuda", registry.selector().choose());
    }

    @Test
    void autoWithoutTheJetsonModuleFallsToTheNextRegisteredEngine() {
        List<EngineFactory> noJetson = List.of(fake("onnxruntime-cpu", null), fake("onnxruntime-cuda", null),
                fake("onnxruntime-tensorrt", null), fake("openvino", null));
        EngineRegistry registry = new EngineRegistry(noJetson, Profiles::jetsonOrin);
        assertEquals("onnxruntime-tensorrt", registry.selector().choose());
    }

    static Stream<Arguments> fallbacks() {
        return Stream.of(
                Arguments.of("openvino", List.of("openvino"), List.of("openvino", "onnxruntime-cpu")),
                Arguments.of("tensorrt", List.of("tensorrt"), List.of("tensorrt", "onnxruntime-tensorrt")),
                Arguments.of("tensorrt", List.of("tensorrt", "onnxruntime-tensorrt"),
                        List.of("tensorrt", "onnxruntime-tensorrt", "onnxruntime-cuda")),
                Arguments.of("tensorrt", List.of("tensorrt", "onnxruntime-tensorrt", "onnxruntime-cuda"),
                        List.of("tensorrt", "onnxruntime-tensorrt", "onnxruntime-cuda", "onnxruntime-cpu")),
                Arguments.of("onnxruntime-tensorrt", List.of("onnxruntime-tensorrt"),
                        List.of("onnxruntime-tensorrt", "onnxruntime-cuda")),
                Arguments.of("onnxruntime-cuda", List.of("onnxruntime-cuda"),
                        List.of("onnxruntime-cuda", "onnxruntime-cpu")),
                Arguments.of("auto", List.of("tensorrt", "onnxruntime-tensorrt"),
                        List.of("tensorrt", "onnxruntime-tensorrt", "onnxruntime-cuda")));
    }

    @ParameterizedTest(name = "{0} with {1} failing tries {2}")
    @MethodSource("fallbacks")
    void failingEnginesFallBackAlongTheChainWithOneWarning(String requested, List<String> failing,
            List<String> tried) throws Exception {
        // a Jetson whose GPU libraries the probe finds, so no fallback is ruled out in advance
        HardwareProfile hw = Profiles.jetsonOrin();
        EngineFactory[] broken = failing.stream().map(n -> fake(n, n + " broke: libfoo.so missing; install foo"))
                .toArray(EngineFactory[]::new);
        EngineRegistry registry = registry(hw, broken);
        try (InferenceEngine e = registry.open(requested, OPTIONS)) {
            assertEquals(tried, opened);
            assertEquals(tried.get(tried.size() - 1), e.info().name(), "info() says what runs");
        }
        assertEquals(1, log.list.size(), "exactly one warning line");
        ILoggingEvent warn = log.list.get(0);
        assertEquals(Level.WARN, warn.getLevel());
        String line = warn.getFormattedMessage();
        assertFalse(line.contains("\n"), line);
        for (String f : failing) {
            assertTrue(line.contains(f + " broke: libfoo.so missing"), "names what failed and why: " + line);
        }
        assertTrue(line.contains("falling back to " + tried.get(tried.size() - 1)), line);
    }

    @Test
    void fallbacksTheProbeRulesOutAreSkippedSilently() throws Exception {
        HardwareProfile hw = Profiles.bareArm();
        EngineRegistry registry = registry(hw, fake("tensorrt", "tensorrt: libnvinfer.so.10 not found"),
                fake("onnxruntime-tensorrt", null, p -> Optional.of("no GPU")),
                fake("onnxruntime-cuda", null, p -> Optional.of("no GPU")));
        try (InferenceEngine e = registry.open("tensorrt", OPTIONS)) {
            assertEquals("onnxruntime-cpu", e.info().name());
        }
        assertEquals(List.of("tensorrt", "onnxruntime-cpu"), opened);
        assertEquals(1, log.list.size());
        assertTrue(log.list.get(0).getFormattedMessage().startsWith(
                "engine tensorrt failed to load: tensorrt: libnvinfer.so.10 not found -> falling back to onnxruntime-cpu"),
                log.list.get(0).getFormattedMessage());
    }

    @Test
    void anExplicitEngineIsTriedEvenWhenTheProbeRulesItOut() throws Exception {
        EngineRegistry registry = registry(Profiles.bareArm(), fake("openvino", null, p -> Optional.of("no lib")));
        try (InferenceEngine e = registry.open("openvino", OPTIONS)) {
            assertEquals("openvino", e.info().name(), "the user asked for it; the probe may be wrong");
        }
    }

    /** A factory whose open throws what {@code thrown} makes (an unchecked exception or an error). */
    private static EngineFactory throwing(String name, java.util.function.Supplier<Throwable> thrown) {
        return new EngineFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public InferenceEngine open(EngineOptions options) {
                Throwable t = thrown.get();
                if (t instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) t;
            }
        };
    }

    @Test
    void aNativeLinkErrorCountsAsAFailedLoad() throws Exception {
        EngineFactory crashing = throwing("openvino",
                () -> new UnsatisfiedLinkError("libopenvino_c.so: cannot open shared object file"));
        EngineRegistry registry = registry(Profiles.intelNucWithOpenVino(), crashing);
        try (InferenceEngine e = registry.open("auto", OPTIONS)) {
            assertEquals("onnxruntime-cpu", e.info().name());
        }
        assertTrue(log.list.get(0).getFormattedMessage().contains("UnsatisfiedLinkError: libopenvino_c.so"));
    }

    @Test
    void aBugInAnEngineIsABugNotAMissingEngine() {
        EngineFactory buggy = throwing("openvino",
                () -> new NullPointerException("Cannot invoke \"Object.toString()\" because \"device\" is null"));
        EngineRegistry registry = registry(Profiles.intelNucWithOpenVino(), buggy);
        NullPointerException e = assertThrows(NullPointerException.class, () -> registry.open("auto", OPTIONS));
        assertTrue(e.getMessage().contains("device"), e.getMessage());
        assertTrue(opened.isEmpty(), "no silent fall back to another engine: " + opened);
        assertTrue(log.list.isEmpty(), "no 'not available' warning for a bug");
    }

    @Test
    void whenTheLastResortFailsItsErrorIsReported() {
        EngineRegistry registry = registry(Profiles.bareArm(), fake("openvino", "openvino: no lib"),
                fake("onnxruntime-cpu", "model file not found: model.onnx; set model.path"));
        EngineException e = assertThrows(EngineException.class, () -> registry.open("openvino", OPTIONS));
        assertEquals("model file not found: model.onnx; set model.path", e.getMessage());
        assertTrue(log.list.isEmpty(), "no fallback warning when nothing runs");
    }

    @Test
    void unknownEnginesAreRejectedWithTheKnownNames() {
        EngineRegistry registry = registry(Profiles.bareArm());
        EngineException e = assertThrows(EngineException.class, () -> registry.open("tflite", OPTIONS));
        assertTrue(e.getMessage().contains("unknown engine 'tflite'"), e.getMessage());
        assertTrue(e.getMessage().contains("openvino"), e.getMessage());
        assertTrue(opened.isEmpty());
    }

    @Test
    void availabilityListsEveryEngineWithItsReason() {
        EngineRegistry registry = registry(Profiles.bareArm(), fake("openvino", null,
                p -> Optional.of("libopenvino_c.so not found")));
        List<EngineSelector.Availability> a = registry.selector().availability();
        assertEquals(List.of("onnxruntime-cpu", "onnxruntime-cuda", "onnxruntime-tensorrt", "openvino", "tensorrt"),
                a.stream().map(EngineSelector.Availability::name).toList());
        EngineSelector.Availability ov = a.get(3);
        assertFalse(ov.available());
        assertEquals("libopenvino_c.so not found", ov.reason());
        assertTrue(a.get(0).available());
    }

    @Test
    void standardRegistryNamesEveryBuiltInEngine() {
        List<String> names = EngineRegistry.standard().names();
        assertEquals("auto", names.get(0));
        assertTrue(names.containsAll(List.of("onnxruntime-cpu", "onnxruntime-cuda", "onnxruntime-tensorrt",
                "openvino")), names.toString());
    }

    /** Stands in for a loaded model. */
    private static final class FakeEngine implements InferenceEngine {
        private final EngineInfo info;

        FakeEngine(String name) {
            info = new EngineInfo(name, "fake", "fp32", "model.onnx");
        }

        @Override
        public EngineInfo info() {
            return info;
        }

        @Override
        public List<TensorSpec> inputs() {
            return List.of();
        }

        @Override
        public List<TensorSpec> outputs() {
            return List.of();
        }

        @Override
        public FloatBuffer input(int index) {
            throw new IndexOutOfBoundsException(index);
        }

        @Override
        public void infer() {
        }

        @Override
        public FloatBuffer output(int index) {
            throw new IndexOutOfBoundsException(index);
        }

        @Override
        public void close() {
        }
    }
}
