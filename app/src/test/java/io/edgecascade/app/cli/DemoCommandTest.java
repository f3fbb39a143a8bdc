package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

    @Test
    void demoFindsThePeopleInTheSampleVideo(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("demo.jsonl");
        Cli r = Cli.run("demo", "--assets", TestAssets.root().toString(), "--events", events.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("people seen"), r.out());
        long people = r.out().lines().filter(l -> l.trim().startsWith("demo ")).count();
        assertTrue(people >= 6 && people <= 8, "six walk-throughs, one event each: " + r.out());
        assertTrue(r.out().contains("1394 frames decoded"), r.out());
        assertTrue(r.out().contains(people + " events;"), r.out());
        long starts = Files.readAllLines(events).stream().filter(l -> l.contains("\"type\":\"start\"")).count();
        assertEquals(people, starts, "one start line per event");
        // the events' best frames went through the embedded KServe v2 cloud server, and its answers are shown
        var sent = java.util.regex.Pattern.compile("; (\\d+) frames \\(the events' best\\) sent to the cloud")
                .matcher(r.out());
        assertTrue(sent.find(), r.out());
        long frames = Long.parseLong(sent.group(1));
        assertTrue(frames >= people && frames <= 0.02 * 1394, "a frame or two per person: " + frames);
        assertTrue(r.out().contains("cloud (embedded KServe v2 server, model yolox): " + frames
                + " frames forwarded and answered, 0 left in the spool"), r.out());
        assertTrue(r.out().contains("person="), "the cloud model names what it found: " + r.out());
        assertTrue(r.out().contains("busiest frame: frame "), r.out());
    }

    @Test
    void withoutAssetsOrInternetItSaysHowToPointAtLocalCopies(@TempDir Path dir) {
        // a mirror on a closed local port stands in for a machine without internet
        Cli r = Cli.run("demo", "--assets", dir.resolve("empty").toString(), "--mirror", "http://127.0.0.1:9/");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().contains("cannot reach 127.0.0.1"), r.toString());
        assertTrue(r.err().contains("point --assets (or EDGE_CASCADE_ASSETS) at a folder"), r.toString());
    }
}
