package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.testing.Conditions;
import io.edgecascade.cascade.testing.Mosquitto;
import io.edgecascade.cascade.testing.MosquittoSub;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo --mqtt HOST:PORT}: the demo's events reach a local mosquitto, read with {@code mosquitto_sub}. */
class DemoMqttTest {

    @Test
    void theDemosEventsArePublishedToALocalBroker(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("demo.jsonl");
        try (Mosquitto broker = Mosquitto.startAnonymous(dir.resolve("broker"));
                MosquittoSub sub = MosquittoSub.start(broker, "edge-cascade/events", dir)) {
            Cli r = Cli.run("demo", "--assets", TestAssets.root().toString(), "--events", events.toString(),
                    "--no-cloud", "--mqtt", "127.0.0.1:" + broker.port());
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().contains("events also published to mqtt://127.0.0.1:" + broker.port()
                    + " under edge-cascade/ (watch with: mosquitto_sub -h 127.0.0.1 -p " + broker.port()
                    + " -t 'edge-cascade/#' -v)"), r.out());
            long people = Files.readAllLines(events).stream().filter(l -> l.contains("\"type\":\"start\"")).count();
            assertTrue(people >= 6 && people <= 8, "six walk-throughs: " + r.out());
            Conditions.waitFor("a new and an end per event: " + sub.lines(), () -> count(sub, "new") == people
                    && count(sub, "end") == people);
        }
    }

    private static long count(MosquittoSub sub, String type) {
        return sub.lines().stream().filter(l -> l.startsWith("edge-cascade/events ")
                && l.contains("\"type\":\"" + type + "\"")).count();
    }

    @Test
    void aMqttAddressThatIsNotHostPortIsOneLine() {
        Cli r = Cli.run("demo", "--assets", TestAssets.root().toString(), "--mqtt", "mqtt://broker");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--mqtt: 'mqtt://broker' is not HOST:PORT; give the broker's address, e.g."
                + " 127.0.0.1:1883"), r.toString());
    }
}
