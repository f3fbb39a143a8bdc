package io.edgecascade.cascade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.api.LookSkip;
import io.edgecascade.cascade.motion.MotionSettings;
import io.edgecascade.cascade.tracking.TrackingSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracking.look_again_max_s} end to end on the sample video: with it on, the detector looks less often at
 * people it already follows, and each of the 6 walk-throughs still starts its event within 1 s of where the gate-off
 * run (the detector on every frame) sees it start.
 */
class TrackedLooksTest {

    private static final DetectorSettings PERSON = new DetectorSettings(0.4f, 0.45f, Set.of("person"));

    private static CameraSettings camera(long lookAgainMaxMs) {
        return new CameraSettings("lobby", TestAssets.personVideo().toString(), false, MotionSettings.DEFAULTS, PERSON,
                TrackingSettings.DEFAULTS.withLookAgainMaxMs(lookAgainMaxMs), List.of());
    }

    @Test
    void trackedPeopleCostFewerLooksAndEveryWalkThroughStillStartsWithinASecond(@TempDir Path dir) throws Exception {
        CascadeTest.Run truth = CascadeTest.groundTruth();
        List<long[]> runs = CascadeTest.walkThroughs(truth.positivePts());
        assertEquals(6, runs.size(), "the video has 6 walk-throughs");

        CascadeTest.Run off = CascadeTest.run(camera(0), dir.resolve("off.jsonl"));
        CascadeTest.Run on = CascadeTest.run(camera(TrackingSettings.DEFAULT_LOOK_AGAIN_MAX_MS),
                dir.resolve("on.jsonl"));
        var offCounts = off.summary().cameras().get("lobby");
        var onCounts = on.summary().cameras().get("lobby");

        List<String> report = new ArrayList<>();
        for (String name : List.of("off", "on")) {
            List<JsonNode> starts = CascadeTest.eventLines(dir.resolve(name + ".jsonl")).stream()
                    .filter(l -> l.get("type").asText().equals("start")).toList();
            for (long[] r : runs) {
                JsonNode hit = starts.stream().filter(l -> Math.abs(l.get("pts_ms").asLong() - r[0]) <= 1000)
                        .findFirst().orElse(null);
                report.add(String.format("%s: walk-through at %.1f s: %s", name, r[0] / 1000.0,
                        hit == null ? "MISSING" : String.format("%+d ms", hit.get("pts_ms").asLong() - r[0])));
                assertNotNull(hit, name + ": no event started within 1 s of the walk-through at " + r[0] + " ms: "
                        + report);
            }
            assertTrue(starts.size() <= 8, name + ": " + starts.size() + " events for 6 people");
        }
        report.forEach(System.out::println);
        System.out.printf("looks: off %d (%.2f/s), on %d (%.2f/s); skipped on: %s; off: %s%n", offCounts.detected(),
                offCounts.looksPerSecond(), onCounts.detected(), onCounts.looksPerSecond(), onCounts.looksSkipped(),
                offCounts.looksSkipped());

        assertEquals(139.3, onCounts.streamMs() / 1000.0, 0.2, "stream time of 1394 frames at 10 fps");
        for (LookSkip w : LookSkip.values()) {
            assertEquals(0, offCounts.looksSkipped(w), "with look_again_max_s 0 nothing is skipped: " + w);
        }
        assertTrue(onCounts.looksSkipped(LookSkip.EXPLAINED_BY_TRACKS) > 0, onCounts.looksSkipped().toString());
        assertEquals(0, onCounts.looksSkipped(LookSkip.REGION_ONLY), "the whole 432p frame fits the model: no regions");
        @SuppressWarnings("unchecked")
        var looks = (java.util.Map<String, Object>) ((java.util.Map<String, Object>) ((java.util.Map<String, Object>)
                on.summary().toJsonTree().get("cameras")).get("lobby")).get("looks");
        assertEquals(Math.round(onCounts.looksPerSecond() * 1000) / 1000.0, looks.get("per_second"));
        assertEquals(java.util.Map.of("explained_by_tracks", onCounts.looksSkipped(LookSkip.EXPLAINED_BY_TRACKS),
                "tracks_not_due", onCounts.looksSkipped(LookSkip.TRACKS_NOT_DUE), "region_only", 0L),
                looks.get("skipped"));
        // 136 against 211 when written (the gate's decisions on a file do not depend on the machine's speed)
        assertTrue(onCounts.detected() <= 0.8 * offCounts.detected(), onCounts.detected() + " looks with it on, "
                + offCounts.detected() + " off");
    }
}
