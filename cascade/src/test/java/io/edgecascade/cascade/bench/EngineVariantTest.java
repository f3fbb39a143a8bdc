package io.edgecascade.cascade.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineVariantTest {

    private static final Path MODEL = Path.of("m.onnx");

    @Test
    void anEngineAloneTakesTheDefaults() {
        assertEquals(new EngineVariant("onnxruntime-cpu", "onnxruntime-cpu", 2, MODEL),
                EngineVariant.parse("onnxruntime-cpu", 2, MODEL));
    }

    @Test
    void workersAndPrecisionOptions() {
        EngineVariant v = EngineVariant.parse("onnxruntime-cpu:threads=1:workers=2", 2, MODEL);
        assertEquals(2, v.workers());
        assertEquals(1, v.threads());
        EngineVariant q = EngineVariant.parse("onnxruntime-cpu:int8", 2, MODEL);
        assertTrue(q.int8());
        assertEquals(1, q.workers());
        assertTrue(!EngineVariant.parse("onnxruntime-cpu:fp32", 2, MODEL).int8());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineVariant.parse("onnxruntime-cpu:workers=0", 2, MODEL));
        assertTrue(e.getMessage().contains("workers must be a whole number 1..64"), e.getMessage());
    }

    @Test
    void threadsAndModelOptions() {
        EngineVariant v = EngineVariant.parse("onnxruntime-cpu:threads=1:model=int8.onnx", 2, MODEL);
        assertEquals("onnxruntime-cpu", v.engine());
        assertEquals(1, v.threads());
        assertEquals(Path.of("int8.onnx"), v.model());
        assertEquals("onnxruntime-cpu:threads=1:model=int8.onnx", v.spec());
    }

    @Test
    void aCompareListKeepsItsOrder() {
        List<EngineVariant> vs = EngineVariant.parseList("onnxruntime-cpu:threads=1, onnxruntime-cpu:threads=2,",
                4, MODEL);
        assertEquals(2, vs.size());
        assertEquals(1, vs.get(0).threads());
        assertEquals(2, vs.get(1).threads());
    }

    @Test
    void mistakesAreExplained() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> EngineVariant.parse("onnxruntime-cpu:thread=1", 2, MODEL)).getMessage()
                .contains("unknown option 'thread'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> EngineVariant.parse("onnxruntime-cpu:threads=x", 2, MODEL)).getMessage()
                .contains("threads must be a whole number"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> EngineVariant.parse(":threads=1", 2, MODEL)).getMessage().contains("names no engine"));
        assertThrows(IllegalArgumentException.class, () -> EngineVariant.parseList(" , ", 2, MODEL));
    }
}
