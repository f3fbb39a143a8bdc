package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SightingsTest {

    private static String event(String camera, long pts, double score) {
        return "{\"camera\":\"" + camera + "\",\"frame\":" + pts / 100 + ",\"pts_ms\":" + pts
                + ",\"time\":\"2026-01-01T00:00:00Z\",\"motion\":0.01,\"detections\":[{\"label\":\"person\","
                + "\"class_id\":0,\"score\":" + score + ",\"box\":[1,2,3,4]}]}";
    }

    @Test
    void groupsPositivesPerCameraSplittingAtLongGaps(@TempDir Path dir) throws Exception {
        Path log = Files.write(dir.resolve("e.jsonl"), java.util.List.of(
                event("a", 1000, 0.5), event("b", 1100, 0.7), event("a", 2500, 0.8), event("b", 1600, 0.6),
                event("a", 9000, 0.9)));
        Sightings s = Sightings.read(log, 2000);
        assertEquals(3, s.list().size(), s.toString());
        Sightings.Sighting first = s.list().get(0);
        assertEquals("a", first.camera());
        assertEquals(1000, first.startMs());
        assertEquals(2500, first.endMs());
        assertEquals(2, first.frames());
        assertEquals(0.8, first.bestScore(), 1e-9);
        assertEquals(9000, s.list().get(1).startMs());
        assertEquals("b", s.list().get(2).camera());
        assertEquals(2, s.list().get(2).frames());
    }
}
