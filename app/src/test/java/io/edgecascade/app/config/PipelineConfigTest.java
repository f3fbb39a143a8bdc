package io.edgecascade.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.edgecascade.app.testing.MainRunner;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.pipeline.CascadeOptions;
import io.edgecascade.cascade.source.HardwareDecoders;
import io.edgecascade.cascade.source.HwAccel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure model's and the stop's keys: {@code pipeline.error_budget}, {@code shutdown_timeout_s},
 * {@code stage_timeout_s}, {@code sink_queue}; read, checked, and shown by {@code config validate}.
 */
class PipelineConfigTest {

    private static final ConfigLoader LOADER = DetectorConfigTest.LOADER;

    private static String config(String pipeline) {
        return DetectorConfigTest.config("", pipeline);
    }

    @Test
    void defaultsAndValues() throws Exception {
        CascadeOptions d = LOADER.parse(config("  detector_queue: 8\n"), "test.yaml").pipeline();
        assertEquals(10, d.errorBudget());
        assertEquals(Duration.ofSeconds(20), d.shutdownTimeout());
        assertEquals(Duration.ofSeconds(60), d.stageTimeout());
        assertEquals(4, d.sinkQueue());
        assertEquals(8, d.outputQueue());
        assertEquals(32L << 20, d.sinkMemoryBytes());
        assertEquals(64L << 20, d.detectorMemoryBytes());
        assertEquals(1, d.detectorBatch(), "frame by frame unless pipeline.batch says otherwise");
        assertEquals(4, LOADER.parse(config("  batch: 4\n"), "test.yaml").pipeline().detectorBatch());
        CascadeOptions c = LOADER.parse(config("  error_budget: 3\n  shutdown_timeout_s: 8\n  stage_timeout_s: 30\n"
                + "  sink_queue: 2\n  sink_memory_mb: 100\n  detector_queue_mb: 200\n"), "test.yaml").pipeline();
        assertEquals(100L << 20, c.sinkMemoryBytes());
        assertEquals(200L << 20, c.detectorMemoryBytes());
        assertEquals(3, c.errorBudget());
        assertEquals(Duration.ofSeconds(8), c.shutdownTimeout());
        assertEquals(Duration.ofSeconds(30), c.stageTimeout());
        assertEquals(2, c.sinkQueue());
    }

    @Test
    void badValuesNameTheKeyAndWhatIsAllowed() {
        List<String> p = assertThrows(ConfigException.class, () -> LOADER.parse(config("  error_budget: 0\n"
                + "  shutdown_timeout_s: forever\n  stage_timeout_s: 0\n  sink_queue: 1000\n  sink_memory_mb: 0\n"
                + "  detector_queue_mb: -1\n  batch: 17\n"),
                "test.yaml"))
                .problems();
        assertTrue(p.contains("pipeline.error_budget: 0 is out of range; allowed 1..10000"), p.toString());
        assertTrue(p.contains("pipeline.shutdown_timeout_s: 'forever' is not a whole number; allowed 1..3600"),
                p.toString());
        assertTrue(p.contains("pipeline.stage_timeout_s: 0 is out of range; allowed 1..86400"), p.toString());
        assertTrue(p.contains("pipeline.sink_queue: 1000 is out of range; allowed 1..256"), p.toString());
        assertTrue(p.contains("pipeline.sink_memory_mb: 0 is out of range; allowed 1..65536"), p.toString());
        assertTrue(p.contains("pipeline.detector_queue_mb: -1 is out of range; allowed 1..65536"), p.toString());
        assertTrue(p.contains("pipeline.batch: 17 is out of range; allowed 1..16"), p.toString());
        List<String> zero = assertThrows(ConfigException.class, () -> LOADER.parse(config("  batch: 0\n"),
                "test.yaml")).problems();
        assertEquals(List.of("pipeline.batch: 0 is out of range; allowed 1..16"), zero);
        List<String> word = assertThrows(ConfigException.class, () -> LOADER.parse(config("  batch: four\n"),
                "test.yaml")).problems();
        assertEquals(List.of("pipeline.batch: 'four' is not a whole number; allowed 1..16"), word);
    }

    @Test
    void configValidateShowsTheBatch(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("c.yaml"), config("  batch: 4\n")
                .replace("${EDGE_CASCADE_ASSETS}", TestAssets.root().toString()));
        MainRunner.Result r = MainRunner.run("config", "validate", file.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("detector: ") && l.contains("pipeline.batch 4 (each"
                + " worker runs the frames of up to 4 cameras as one inference")), r.toString());
    }

    @Test
    void configValidateShowsThemAndWarnsWhenTheStopCannotFitTheServicesStopTimeout(@TempDir Path dir)
            throws Exception {
        Path file = Files.writeString(dir.resolve("c.yaml"), config("  error_budget: 5\n  shutdown_timeout_s: 40\n")
                .replace("${EDGE_CASCADE_ASSETS}", TestAssets.root().toString()));
        MainRunner.Result r = MainRunner.run("config", "validate", file.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("pipeline: error_budget 5 failures in a row restart a stage's resource;"
                + " shutdown_timeout_s 40 for the whole stop; stage_timeout_s 60 in one call stops the run; sink_queue 4"
                + " frames per sink; sink_memory_mb 32 MB of pixels on their way to the sinks; detector_queue_mb 64 MB of"
                + " pixels waiting for the detectors",
                "camera lobby: decoder: " + HardwareDecoders.choose(HwAccel.AUTO, null).summary(), "ok"),
                r.out().lines().toList(), r.toString());
        assertTrue(r.err().lines().anyMatch(l -> l.equals(file + ": warning: pipeline.shutdown_timeout_s 40 leaves"
                + " less than 5 s of the packaged service's TimeoutStopSec (30 s): raise it (systemctl edit"
                + " edge-cascade) and Docker's --stop-timeout (compose stop_grace_period) above the shutdown timeout,"
                + " or the agent is killed before its stop ends")), "on stderr like every warning: " + r);
    }
}
