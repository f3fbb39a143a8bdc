package io.edgecascade.jetson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JetPackTest {

    @ParameterizedTest(name = "L4T R{0}.{1} -> JetPack {2}, TensorRT {3}, supported {4}")
    @CsvSource({
        "36, 4.3, 6.1+, 10.3, true",
        "36, 4.0, 6.1+, 10.3, true",
        "36, 3.0, 6.0, 8.6, false",
        "35, 4.1, 5.1, 8.5, false",
        "34, 1.1, 5.0, 8.4, false",
        "32, 7.4, 4.6, 8.2, false",
    })
    void l4tReleasesMapToJetPacks(int major, String revision, String jetpack, String tensorrt, boolean supported) {
        TegraRelease l4t = new TegraRelease(major, revision, "t186ref", "NVIDIA Jetson");
        JetPack jp = JetPack.of(l4t).orElseThrow();
        assertEquals(jetpack, jp.jetpack());
        assertEquals(tensorrt, jp.tensorrt());
        Optional<String> why = JetPack.unsupported(l4t);
        assertEquals(supported, why.isEmpty(), why.orElse(""));
        why.ifPresent(w -> {
            assertTrue(w.startsWith("JetPack " + jetpack + " (L4T " + l4t.l4tVersion() + ") ships TensorRT " + tensorrt),
                    w);
            assertTrue(w.contains("JetPack 6.1 or later"), w);
        });
    }

    @ParameterizedTest
    @CsvSource({"28, 2.1", "99, 0.0"})
    void unknownReleasesAreSaidSo(int major, String revision) {
        TegraRelease l4t = new TegraRelease(major, revision, "", "");
        if (major < 36) {
            assertTrue(JetPack.unsupported(l4t).orElseThrow().contains("is not a known JetPack"));
        } else {
            assertTrue(JetPack.unsupported(l4t).isEmpty(), "newer L4T keeps TensorRT 10");
        }
    }
}
