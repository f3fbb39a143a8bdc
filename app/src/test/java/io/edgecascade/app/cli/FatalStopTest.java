package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.events.EventLog;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.pipeline.CameraSettings;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.CascadeOptions;
import io.edgecascade.cascade.pipeline.DetectorSettings;
import io.edgecascade.cascade.pipeline.RunSummary;
import io.edgecascade.cascade.pipeline.ScriptedDetector;
import io.edgecascade.cascade.pipeline.SourceFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that a fatal failure stops says so: the run returns (no hang), the summary has {@code "fatal"} with the stage
 * and the error, and the command's error is one line with exit code 3 (what failed and the fix).
 */
class FatalStopTest {

    @Test
    @Timeout(120)
    void aFatalFailureEndsTheRunWithExit3OneLineAndTheSummarysFatalKey(@TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 20, 8);
        CameraSettings cam = new CameraSettings("cam", clip.toString(), false,
                MotionSettings.DEFAULTS.withEnabled(false), new DetectorSettings(0.4f, 0.45f, Set.of("person")));
        Path events = dir.resolve("events.jsonl");
        // finds a person in every frame, and runs out of memory on the 6th (as a native allocation would)
        ScriptedDetector detector = new ScriptedDetector(ScriptedDetector.Script.failing(n -> n == 6,
                n -> new OutOfMemoryError("Java heap space (test)"), ScriptedDetector.PERSON));
        Cascade cascade = new Cascade(List.of(cam), SourceFactory.ffmpeg(), List.of(detector),
                List.of(EventLog.open(events)), new CascadeOptions(2, 4, Duration.ZERO), List.of());
        RunSummary result;
        try (CascadeRun signals = CascadeRun.handlingSignals(CascadeOptions.DEFAULT_SHUTDOWN_TIMEOUT)) {
            result = signals.run(cascade, null);
        }
        Path summary = dir.resolve("summary.json");
        RunCommand.report(result, summary);

        JsonNode fatal = new ObjectMapper().readTree(summary.toFile()).get("fatal");
        assertNotNull(fatal, "the summary says the run stopped on a fatal failure");
        assertEquals("detector-0", fatal.get("stage").asText());
        assertTrue(fatal.get("error").asText().startsWith("detector-0: OutOfMemoryError: Java heap space (test);"),
                fatal.toString());

        UserError e = UserError.stopped(cascade.failure());
        assertEquals(3, e.exitCode());
        assertEquals(1, e.getMessage().lines().count(), "one line");
        assertTrue(e.getMessage().startsWith("the run stopped on a fatal failure: detector-0: OutOfMemoryError")
                && e.getMessage().contains("JAVA_OPTS"), e.getMessage());
        // the frames detected before the failure reached the events file, and the open event was ended
        List<String> lines = java.nio.file.Files.readAllLines(events);
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"type\":\"start\"")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"reason\":\"shutdown\"")), lines.toString());
    }
}
