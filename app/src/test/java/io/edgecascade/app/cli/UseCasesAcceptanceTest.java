package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.testing.EventLines;
import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.testing.TinyClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's acceptance on real footage through {@code edge-cascade run}: the built-in use cases, several detect entries
 * with their cadences and an {@code after:} model on the sample video, the object filters, and a parked object that
 * becomes stationary.
 */
class UseCasesAcceptanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The six people who walk one at a time from the middle of the room out to its right (the sample video). */
    private static final int WALK_THROUGHS = 6;

    /** YOLOX-Nano as the one model ({@code model:}, named yolox_nano). */
    private static final String YOLOX = "model: { path: " + TestAssets.model() + ", labels: " + TestAssets.labels()
            + " }\n";

    /** The models' and outputs' lines every config here starts with ({@code models} as given). */
    private static String head(String models, Path events) {
        return models + """
                threads: 1
                events: { path: %s }
                metrics: { listen: "0" }
                pipeline: { progress_interval_s: 0 }
                """.formatted(events);
    }

    /** Runs {@code config} (its cameras), asserting exit 0; the summary's cameras. */
    private static JsonNode run(Path dir, String name, String config) throws Exception {
        Path file = Files.writeString(dir.resolve(name + ".yaml"), config);
        Path summary = dir.resolve(name + "-summary.json");
        Cli r = Cli.run("run", "--config", file.toString(), "--summary", summary.toString());
        assertEquals(0, r.exitCode(), r.toString());
        return JSON.readTree(summary.toFile()).get("cameras");
    }

    @Test
    @Timeout(600)
    void theSampleVideoCountsEachWalkThroughOnceWithTwoCadencesAndAnAfterModel(@TempDir Path dir) throws Exception {
        TinyClassifier.Written colour = TinyClassifier.write(dir);
        Path events = dir.resolve("events.jsonl");
        JsonNode lobby = run(dir, "lobby", head("""
                models:
                  - { name: people, path: %s, type: yolox, labels: %s }
                  - { name: colour, path: %s, type: classifier, labels: %s }
                """.formatted(TestAssets.model(), TestAssets.labels(), colour.model(), colour.labels()), events)
                + """
                cameras:
                  - id: lobby
                    source: %s
                    zones: { exit: [[0.75, 0], [1, 0], [1, 1], [0.75, 1]] }
                    required_zones: [exit]
                    detect:
                      - { model: people, classes: [person], every: gated }
                      - { model: people, name: vehicles, classes: [car], every_n: 10 }
                      - { model: colour, after: people, min_score: 0.5 }
                    use_cases:
                      - { name: door, type: line_crossing, line: [[0.75, 0], [0.75, 1]], labels: [person] }
                      - { name: room, type: occupancy, labels: [person] }
                      - { name: lingering, type: loitering, seconds: 5, labels: [person] }
                """.formatted(TestAssets.personVideo())).get("lobby");
        List<JsonNode> lines = EventLines.read(events);

        // line_crossing: every walk-through once, all of them to the right: backward for a line drawn top to bottom
        JsonNode door = lobby.get("use_cases").get("door");
        assertEquals(WALK_THROUGHS, door.get("backward").asLong(), lobby.toString());
        assertEquals(0, door.get("forward").asLong(), lobby.toString());
        List<JsonNode> crossings = EventLines.ofType(lines, "line_crossing");
        assertEquals(WALK_THROUGHS, crossings.size(), crossings.toString());
        Set<Long> crossed = new HashSet<>();
        for (JsonNode c : crossings) {
            assertEquals("door", c.get("use_case").asText());
            assertEquals("backward", c.get("direction").asText());
            assertEquals("person", c.get("label").asText());
            assertEquals("people", c.get("model").asText());
            assertTrue(crossed.add(c.get("track_id").asLong()), "one crossing per track: " + crossings);
        }
        assertEquals(WALK_THROUGHS, EventLines.ofType(lines, "start").size(), "one event per walk-through");

        // two entries of one model: the runs follow each one's cadence; every event names its entry
        long people = lobby.get("models").get("people").get("runs").asLong();
        long vehicles = lobby.get("models").get("vehicles").get("runs").asLong();
        assertEquals(lobby.get("frames_detected").asLong(), people, "people runs on every gated frame");
        assertTrue(Math.abs(vehicles - people / 10.0) <= 1, "every 10th gated frame: " + vehicles + " of " + people);
        for (JsonNode e : lines) {
            if (List.of("start", "update", "end").contains(e.get("type").asText())) {
                assertEquals("people", e.get("model").asText(), e.toString());
            }
        }

        // the after: model looked at the people's boxes, and its answer is on their events
        long colourRuns = lobby.get("models").get("colour").get("runs").asLong();
        assertTrue(colourRuns > 0 && colourRuns <= people, "colour runs on the people's boxes: " + colourRuns);
        for (JsonNode end : EventLines.ofType(lines, "end")) {
            JsonNode attributes = end.get("attributes");
            assertTrue(attributes != null && attributes.size() == 1, end.toString());
            String answer = attributes.get(0).get("colour").asText();
            assertTrue(TinyClassifier.LABELS.contains(answer), end.toString());
            assertTrue(attributes.get(0).get("score").asDouble() >= 0.5, end.toString());
        }

        // required_zones: an event is an alert once its person reached the exit (they all start in the middle)
        for (JsonNode start : EventLines.ofType(lines, "start")) {
            assertFalse(start.get("alert").asBoolean(), start.toString());
        }
        for (JsonNode end : EventLines.ofType(lines, "end")) {
            assertTrue(end.get("alert").asBoolean(), end.toString());
            assertTrue(end.get("zones").toString().contains("exit"), end.toString());
        }

        // occupancy: one person at a time in the room; loitering: each stays longer than 5 s
        assertEquals(1, lobby.get("use_cases").get("room").get("person_max_today").asLong(), lobby.toString());
        assertEquals(0, lobby.get("use_cases").get("room").get("person").asLong(), "nobody is left at the end");
        List<JsonNode> occupancy = EventLines.ofType(lines, "occupancy");
        assertEquals(2 * WALK_THROUGHS, occupancy.size(), "one line when each comes in, one when each leaves");
        List<JsonNode> loitering = EventLines.ofType(lines, "loitering");
        assertEquals(WALK_THROUGHS, loitering.size(), loitering.toString());
        for (JsonNode l : loitering) {
            assertTrue(l.get("seconds").asDouble() >= 5, l.toString());
        }
    }

    @Test
    @Timeout(300)
    void maxAreaAndMinRatioFiltersThatExcludeThePeopleLeaveNoEvents(@TempDir Path dir) throws Exception {
        Path clip = TestAssets.personClip(dir, 4, 16); // the first walk-through
        Path events = dir.resolve("events.jsonl");
        JsonNode cameras = run(dir, "filters", head(YOLOX, events) + """
                cameras:
                  - { id: plain, source: %s }
                  - id: small_only
                    source: %s
                    detector: { filters: { person: { max_area: 0.05 } } }
                  - id: wide_only
                    source: %s
                    detector: { filters: { person: { min_ratio: 1.5 } } }
                """.formatted(clip, clip, clip));
        assertTrue(cameras.get("plain").get("events").asLong() >= 1, "without a filter the person is an event");
        for (String id : List.of("small_only", "wide_only")) {
            assertEquals(0, cameras.get(id).get("events").asLong(), id + ": " + cameras.get(id));
            assertTrue(cameras.get(id).get("frames_detected").asLong() > 0, "the detector did look");
        }
        List<JsonNode> lines = EventLines.read(events);
        assertTrue(lines.stream().allMatch(l -> l.get("camera").asText().equals("plain")), "only plain has lines");
    }

    @Test
    @Timeout(300)
    void aParkedObjectBecomesStationaryAndItsDetectorLooksDropToTheStationaryInterval(@TempDir Path dir)
            throws Exception {
        // a bear (COCO 285: one bear, 0.94) appears after 2 s of grey, in the middle quarter of the picture (a change
        // of the whole picture would reset the gate's background: motion.recalibrate_area), and stays for 40 s without
        // moving; read at the video's frame rate, as a live camera, so that the gate's decisions see the tracker's
        // state of the moment
        Path parked = dir.resolve("parked.mp4");
        TestAssets.ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=640x480:r=10:d=42", "-loop", "1", "-framerate", "10",
                "-i", TestAssets.cocoImage("000000000285.jpg").toString(), "-filter_complex",
                "[1:v]scale=320:240,setsar=1[img];[0:v][img]overlay=x=160:y=120:enable='gte(t,2)':shortest=1", "-t", "42",
                "-an", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", parked.toString());
        Path events = dir.resolve("events.jsonl");
        JsonNode cameras = run(dir, "parked", head(YOLOX, events) + """
                defaults: { detector: { classes: [bear] } }
                cameras:
                  - id: standing
                    source: %s
                    realtime: true
                    detector: { stationary: { threshold: 0.05, seconds: 5, interval_s: 10 } }
                  - id: watched
                    source: %s
                    realtime: true
                    detector: { stationary: { seconds: 0 } }
                """.formatted(parked, parked));
        long standing = cameras.get("standing").get("models").get("yolox_nano").get("runs").asLong();
        long watched = cameras.get("watched").get("models").get("yolox_nano").get("runs").asLong();
        // held open without motion, a tracked object found where predicted is looked at every
        // tracking.look_again_max_s (1.5 s): ~27 looks in 40 s (28 when written; a look a second, ~40, before issue
        // 21); stationary after 5 s, then every 10 s: ~2 while it moves in + ~5 + 35 s / 10 s
        assertTrue(watched >= 20, "without stationary objects: a look every 1.5 s: " + watched);
        assertTrue(standing <= 2 + 6 + 4 + 3, "stationary: a look every 10 s: " + standing + " (watched " + watched
                + ")");
        List<JsonNode> lines = EventLines.read(events);
        List<JsonNode> standingEnds = lines.stream().filter(l -> l.get("camera").asText().equals("standing")
                && l.get("type").asText().equals("end")).toList();
        assertEquals(1, standingEnds.size(), lines.toString());
        assertTrue(standingEnds.get(0).get("stationary").asBoolean(), "parked: " + standingEnds);
        assertEquals("stream_end", standingEnds.get(0).get("reason").asText(), "kept its event to the end");
        assertEquals(1, lines.stream().filter(l -> l.get("camera").asText().equals("standing")
                && l.get("type").asText().equals("start")).count(), "no new event for a parked object");
    }
}
