package io.edgecascade.jetson.tegra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** tegrastats lines of four boards and three JetPack generations (resources/tegrastats). */
class TegraSampleTest {

    static List<String> lines(String name) throws IOException {
        try (InputStream in = TegraSampleTest.class.getResourceAsStream("/tegrastats/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void orinNanoJetPack6() throws IOException {
        TegraSample s = TegraSample.parse(lines("orin-nano-jp6.txt").get(0));
        assertEquals(2449, s.ramUsedMb());
        assertEquals(7620, s.ramTotalMb());
        assertEquals(6, s.cpuLoads().size());
        assertEquals(OptionalDouble.of(12), s.cpuLoads().get(0));
        assertTrue(s.cpuLoads().get(5).isEmpty(), "an offline core has no load");
        assertEquals(OptionalDouble.of(4), s.emcLoad());
        assertEquals(OptionalDouble.of(2133), s.emcMhz());
        assertEquals(OptionalDouble.of(37), s.gpuLoad());
        assertEquals(OptionalDouble.of(624), s.gpuMhz());
        assertEquals(46.281, s.temperaturesC().get("gpu"), 1e-9);
        assertEquals(47.75, s.temperaturesC().get("tj"), 1e-9);
        assertEquals(Map.of("VDD_IN", new TegraSample.Rail(6120, 5310),
                "VDD_CPU_GPU_CV", new TegraSample.Rail(1490, 1120),
                "VDD_SOC", new TegraSample.Rail(1850, 1701)), s.rails());
    }

    @Test
    void agxOrinHasTwoGpcClocksAndOtherRails() throws IOException {
        TegraSample s = TegraSample.parse(lines("agx-orin-jp6.txt").get(0));
        assertEquals(OptionalDouble.of(12), s.gpuLoad());
        assertEquals(OptionalDouble.of(1300), s.gpuMhz(), "the first GPC's clock");
        assertEquals(12, s.cpuLoads().size());
        assertEquals(4, s.rails().size(), s.rails().toString());
        assertEquals(new TegraSample.Rail(4780, 4780), s.rails().get("VDD_GPU_SOC"));
        assertEquals(-256, s.temperaturesC().get("CV0"), 1e-9, "tegrastats' reading for a sensor that is off");
    }

    @Test
    void xavierJetPack5RailsWithoutUnits() throws IOException {
        TegraSample s = TegraSample.parse(lines("xavier-nx-jp5.txt").get(0));
        assertEquals(OptionalDouble.of(0), s.gpuLoad());
        assertEquals(OptionalDouble.of(114), s.gpuMhz());
        assertEquals(new TegraSample.Rail(4007, 4007), s.rails().get("VDD_IN"));
        assertEquals(3, s.rails().size(), "RAM and SWAP (MB) are not rails: " + s.rails());
        assertEquals(37.5, s.temperaturesC().get("CPU"), 1e-9);
    }

    @Test
    void nanoJetPack4() throws IOException {
        TegraSample s = TegraSample.parse(lines("nano-jp4.txt").get(0));
        assertEquals(1223, s.ramUsedMb());
        assertEquals(4, s.cpuLoads().size());
        assertEquals(OptionalDouble.of(3), s.emcLoad());
        assertEquals(new TegraSample.Rail(1894, 1894), s.rails().get("POM_5V_IN"));
        assertEquals(new TegraSample.Rail(0, 0), s.rails().get("POM_5V_GPU"));
        assertFalse(s.rails().containsKey("IRAM"), "IRAM 0/252kB is memory, not a rail");
    }

    @Test
    void aLineWithoutRamIsNotTegrastats() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TegraSample.parse("tegrastats: command not found"));
        assertTrue(e.getMessage().contains("not a tegrastats line"), e.getMessage());
    }
}
