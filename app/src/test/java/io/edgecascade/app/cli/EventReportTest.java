package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventReportTest {

    private static String line(String camera, String id, String type, long pts, long start, double score,
            String zones, String extra) {
        return "{\"camera\":\"" + camera + "\",\"frame\":" + pts / 100 + ",\"pts_ms\":" + pts
                + ",\"time\":\"2026-01-01T00:00:00Z\",\"event_id\":\"" + id + "\",\"type\":\"" + type
                + "\",\"label\":\"person\",\"track_id\":1,\"score\":" + score + ",\"box\":[1,2,3,4],\"zones\":["
                + zones + "],\"start_pts_ms\":" + start + extra + "}";
    }

    @Test
    void oneEntryPerEventWithDurationBestScoreAndZones(@TempDir Path dir) throws Exception {
        Path log = Files.write(dir.resolve("e.jsonl"), List.of(
                line("a", "a-1", "start", 1500, 1000, 0.7, "\"door\"", ""),
                "{\"camera\":\"a\",\"frame\":16,\"pts_ms\":1600,\"type\":\"frame\",\"detections\":[]}",
                line("b", "b-1", "start", 2000, 2000, 0.6, "", ""),
                line("a", "a-1", "update", 3000, 1000, 0.9, "\"hall\"", ""),
                line("a", "a-1", "end", 9000, 1000, 0.9, "\"door\",\"hall\"", ",\"duration_s\":5.5,\"best_frame\":30")));
        List<EventReport.Event> events = EventReport.read(log).events();
        assertEquals(2, events.size(), events.toString());
        EventReport.Event a = events.get(0);
        assertEquals("a", a.camera());
        assertEquals(1000, a.startMs());
        assertEquals(6500, a.endMs(), "start + duration (the last sighting), not the time the end was noticed");
        assertEquals(0.9, a.bestScore(), 1e-9);
        assertEquals(Set.of("door", "hall"), a.zones());
        assertTrue(a.ended());
        assertTrue(a.describe().contains("5.5 s") && a.describe().contains("door"), a.describe());
        EventReport.Event b = events.get(1);
        assertFalse(b.ended(), "no end line: the run stopped before the event ended");
        assertTrue(b.describe().contains("still open"), b.describe());
    }
}
