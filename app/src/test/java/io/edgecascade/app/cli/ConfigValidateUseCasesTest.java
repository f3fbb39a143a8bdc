package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.testing.TinyClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code config validate} on {@code models:}, detect entries, filters and use cases: a good config is shown, and each
 * mistake is one line naming its key and the fix.
 */
class ConfigValidateUseCasesTest {

    private static Path config(Path dir, String camera) throws Exception {
        TinyClassifier.Written colour = TinyClassifier.write(dir);
        return Files.writeString(dir.resolve("c.yaml"), """
                models:
                  - { name: people, path: %s, type: yolox, labels: %s }
                  - { name: colour, path: %s, type: classifier, labels: %s }
                cameras:
                  - id: lobby
                    source: %s
                    zones: { entrance: [[0, 0.5], [0.5, 0.5], [0.5, 1], [0, 1]] }
                %s
                """.formatted(TestAssets.model(), TestAssets.labels(), colour.model(), colour.labels(),
                TestAssets.personVideo(), camera.indent(4).stripTrailing()));
    }

    private static Cli validate(Path dir, String camera) throws Exception {
        return Cli.run("config", "validate", config(dir, camera).toString());
    }

    /** The one error line of a config with one mistake. */
    private static String oneError(Path dir, String camera) throws Exception {
        Cli r = validate(dir, camera);
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        return r.errLines().get(0);
    }

    @Test
    void aGoodConfigIsShownWithItsEntriesFiltersAndUseCases(@TempDir Path dir) throws Exception {
        Cli r = validate(dir, """
                detect:
                  - { model: people, classes: [person], every: gated }
                  - { model: people, name: vehicles, classes: [car], every_n: 10 }
                  - { model: colour, after: people, min_score: 0.5 }
                detector:
                  filters: { person: { min_area: 0.01, max_ratio: 1.2 } }
                  stationary: { threshold: 0.05, seconds: 30, interval_s: 10 }
                required_zones: [entrance]
                use_cases:
                  - { name: door, type: line_crossing, line: [[0.75, 0], [0.75, 1]], labels: [person] }
                  - { name: hall, type: occupancy, zone: entrance }
                  - { name: linger, type: loitering, zone: entrance, seconds: 30 }
                """);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("models: people (yolox, yolox_nano.onnx), colour (classifier, colour.onnx)"),
                r.out());
        String lobby = r.out().lines().filter(l -> l.startsWith("camera lobby:")).findFirst().orElse("");
        for (String part : new String[] {"detect: people every gated frame [person]",
                "vehicles (model people) every 10th gated frame [car]", "colour on the boxes of people",
                "filters: person", "alerts once an object is in entrance", "use case door (line_crossing)",
                "use case hall (occupancy)", "use case linger (loitering)"}) {
            assertTrue(lobby.contains(part), part + " in: " + lobby);
        }
        assertTrue(r.out().strip().endsWith("ok"), r.toString());
    }

    @Test
    void anAfterThatNamesNoEntry(@TempDir Path dir) throws Exception {
        String e = oneError(dir, """
                detect:
                  - { model: people }
                  - { model: colour, after: cars }
                """);
        assertTrue(e.contains("detect[1].after: 'cars' names no detect entry of this camera; its entries: people,"
                + " colour"), e);
    }

    @Test
    void aCycleOfAfter(@TempDir Path dir) throws Exception {
        Cli r = validate(dir, """
                detect:
                  - { model: people }
                  - { model: colour, name: a, after: b }
                  - { model: colour, name: b, after: a }
                """);
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), "the cycle is one line: " + r);
        assertTrue(r.err().contains("after: is a cycle: ") && r.err().contains("a -> b -> a")
                || r.err().contains("b -> a -> b"), r.toString());
    }

    @Test
    void aLineOfOnePoint(@TempDir Path dir) throws Exception {
        String e = oneError(dir, """
                use_cases:
                  - { name: door, type: line_crossing, line: [[0.75, 0]] }
                """);
        assertTrue(e.contains("use_cases[0].line: has 1 point; it needs at least 2"), e);
    }

    @Test
    void eachKeysMistakeIsOneLine(@TempDir Path dir) throws Exception {
        assertTrue(oneError(dir, """
                use_cases:
                  - { name: door, type: fence }
                """).contains("'fence' is not a known use case; known: line_crossing, occupancy, loitering"));
        assertTrue(oneError(dir, """
                use_cases:
                  - { name: door, type: loitering, seconds: 5, colour: red }
                """).contains("use_cases[0].colour: unknown key for a loitering use case"));
        assertTrue(oneError(dir, """
                use_cases:
                  - { name: door, type: occupancy, zone: garden }
                """).contains("garden"));
        assertTrue(oneError(dir, """
                detect:
                  - { model: people, every_n: 5, interval_ms: 100 }
                """).contains("is given together with every_n"));
        assertTrue(oneError(dir, """
                detect:
                  - { model: walkers }
                """).contains("'walkers' is not a model of the config; models: people, colour"));
        assertTrue(oneError(dir, """
                detector: { filters: { person: { min_ratio: 2, max_ratio: 1 } } }
                """).contains("max_ratio: 1 is below min_ratio 2"));
        assertTrue(oneError(dir, """
                required_zones: [garden]
                """).contains("'garden' is not a zone of this camera; its zones: entrance"));
        assertTrue(oneError(dir, """
                detect:
                  - { model: colour }
                """).contains("after: is required"));
    }

    @Test
    void theOneModelShorthandStaysValid(@TempDir Path dir) throws Exception {
        Path c = Files.writeString(dir.resolve("one.yaml"), """
                model: { path: %s, labels: %s }
                cameras:
                  - { id: lobby, source: %s, detect: [{ model: yolox_nano, every_n: 2 }] }
                """.formatted(TestAssets.model(), TestAssets.labels(), TestAssets.personVideo()));
        Cli r = Cli.run("config", "validate", c.toString());
        assertEquals(0, r.exitCode(), r.toString());
        // the camera's line (after its decoder) names the one entry the shorthand makes
        String lobby = r.out().lines().filter(l -> l.startsWith("camera lobby:")).findFirst().orElse("");
        assertTrue(lobby.contains("detect: yolox_nano every 2nd gated frame"), r.out());
    }
}
