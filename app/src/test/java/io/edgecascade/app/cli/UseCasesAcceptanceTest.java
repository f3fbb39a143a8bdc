package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class UseCasesAcceptanceTest {

    @Test
    void probe() throws Exception {
        Path dir = Path.of("/tmp/uc");
        Path events = dir.resolve("events.jsonl");
        Files.deleteIfExists(events);
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                models:
                  - { name: people, path: %s, labels: %s }
                threads: 1
                events: { path: %s }
                metrics: { listen: "0" }
                cameras:
                  - id: lobby
                    source: %s
                    detect:
                      - { model: people, classes: [person] }
                      - { model: people, name: vehicles, classes: [car], every_n: 10 }
                    use_cases:
                      - { name: door, type: line_crossing, line: [[0.75, 0], [0.75, 1]], labels: [person] }
                      - { name: room, type: occupancy, labels: [person] }
                      - { name: lingering, type: loitering, seconds: 5 }
                """.formatted(TestAssets.model(), TestAssets.labels(), events, TestAssets.personVideo()));
        Path summary = dir.resolve("summary.json");
        Cli r = Cli.run("run", "--config", config.toString(), "--summary", summary.toString());
        System.out.println(r);
        System.out.println(Files.readString(summary));
        assertEquals(0, r.exitCode());
    }
}
