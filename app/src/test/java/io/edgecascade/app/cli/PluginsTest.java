package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecascade.app.testing.AgentProcess;
import io.edgecascade.app.testing.EventLines;
import io.edgecascade.app.testing.PluginJars;
import io.edgecascade.app.testing.TestConfigs;
import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Use-case plug-ins as a user adds them: jars dropped into {@code plugins.dir}. The example plug-in the build makes
 * ({@code examples/usecase-plugin}, type {@code crowd}) adds its own event lines and counts; broken plug-ins (a factory
 * whose constructor throws, a use case that cannot be made, one that throws on every frame) are each reported with
 * one line, and the camera goes on making its events.
 */
class PluginsTest {

    private static final String BROKEN_FACTORY = """
            package broken;

            import io.edgecascade.cascade.api.UseCase;
            import io.edgecascade.cascade.api.UseCaseFactory;
            import io.edgecascade.cascade.api.UseCaseSettings;

            public final class NeedsLicence implements UseCaseFactory {
                public NeedsLicence() {
                    throw new IllegalStateException("licence file /etc/licence.key missing");
                }

                public String type() {
                    return "needs_licence";
                }

                public UseCase create(UseCaseSettings s) {
                    return null;
                }
            }
            """;

    private static final String FLAKY = """
            package flaky;

            import io.edgecascade.cascade.api.PositiveFrame;
            import io.edgecascade.cascade.api.UseCase;
            import io.edgecascade.cascade.api.UseCaseFactory;
            import io.edgecascade.cascade.api.UseCaseOutput;
            import io.edgecascade.cascade.api.UseCaseSettings;

            public final class Flaky implements UseCaseFactory {
                public String type() {
                    return "flaky";
                }

                public void check(UseCaseSettings s) {
                    s.string("fail", "never");
                }

                public UseCase create(UseCaseSettings s) {
                    String fail = s.string("fail", "never");
                    if (fail.equals("create")) {
                        throw new IllegalStateException("cannot open /dev/relay0");
                    }
                    return new UseCase() {
                        public void onFrame(PositiveFrame f, UseCaseOutput out) {
                            if (fail.equals("frames")) {
                                throw new IllegalStateException("bad frame " + f.frame().sequence());
                            }
                            out.event("flaky_seen", java.util.Map.of("frame_seen", f.frame().sequence()));
                        }
                    };
                }
            }
            """;

    @TempDir
    static Path dir;
    static Path clip;

    @BeforeAll
    static void clip() throws Exception {
        clip = TestAssets.personClip(dir, 4, 20); // the first walk-through: one person, 6.5 s to 22.7 s
    }

    @Test
    @Timeout(300)
    void theExamplePluginAddsItsLinesAndBrokenPluginsAreOneLineEachWhileTheCameraGoesOn() throws Exception {
        Path plugins = dir.resolve("plugins");
        PluginJars.example(plugins);
        PluginJars.compile(plugins, "broken-factory.jar", Map.of("broken.NeedsLicence", BROKEN_FACTORY),
                List.of("broken.NeedsLicence"));
        PluginJars.compile(plugins, "flaky.jar", Map.of("flaky.Flaky", FLAKY), List.of("flaky.Flaky"));
        Files.writeString(plugins.resolve("not-a-jar.jar"), "this is text");
        Path events = dir.resolve("events.jsonl");
        Path config = Files.writeString(dir.resolve("plugins.yaml"), TestConfigs.head(events,
                "{ error_budget: 3, progress_interval_s: 0 }") + """
                plugins: { dir: %s }
                cameras:
                  - id: lobby
                    source: %s
                    use_cases:
                      - { name: people_crowd, type: crowd, min_objects: 1, labels: [person] }
                      - { name: relay, type: flaky, fail: create }
                      - { name: noisy, type: flaky, fail: frames }
                      - { name: steady, type: flaky }
                      - { name: licensed, type: needs_licence }
                """.formatted(plugins, clip));

        Cli validate = Cli.run("config", "validate", config.toString());
        assertEquals(0, validate.exitCode(), validate.toString());
        assertTrue(validate.out().contains("use case people_crowd (crowd)"), validate.out());
        assertEquals(1, validate.errLines().stream().filter(l -> l.contains("broken-factory.jar")
                && l.contains("licence file /etc/licence.key missing")).count(), validate.toString());

        Path summary = dir.resolve("summary.json");
        try (AgentProcess agent = AgentProcess.run(config, summary)) {
            int exit = agent.awaitExit(240_000);
            String out = agent.output();
            assertEquals(0, exit, out);
            // each broken plug-in is one line naming it and what went wrong
            assertEquals(1, count(out, "broken-factory.jar", "licence file /etc/licence.key missing"), out);
            assertEquals(1, count(out, "not-a-jar.jar"), out);
            assertEquals(1, count(out, "ERROR", "use case relay", "cannot open /dev/relay0"), out);
            assertEquals(1, count(out, "ERROR", "use case noisy", "bad frame"), out);
            assertEquals(1, count(out, "licensed", "runs without"), out);
        }

        List<JsonNode> lines = EventLines.read(events);
        long started = EventLines.ofType(lines, "start").size();
        assertTrue(started >= 1, "the camera went on making its events");
        List<JsonNode> crowd = EventLines.ofType(lines, "crowd");
        assertTrue(crowd.size() >= 2, crowd.toString());
        for (int i = 0; i < crowd.size(); i++) { // formed, cleared, formed, ...: one crowd of one per walk-through
            assertEquals(i % 2 == 0 ? "formed" : "cleared", crowd.get(i).get("state").asText(), crowd.toString());
            assertEquals("people_crowd", crowd.get(i).get("use_case").asText());
            assertEquals("lobby", crowd.get(i).get("camera").asText());
        }
        assertTrue(lines.stream().anyMatch(l -> l.path("use_case").asText().equals("steady")),
                "the working use case of the flaky plug-in went on");
        assertTrue(lines.stream().noneMatch(l -> l.path("use_case").asText().equals("noisy")));
        JsonNode cases = new ObjectMapper().readTree(summary.toFile()).get("cameras").get("lobby").get("use_cases");
        assertEquals((crowd.size() + 1) / 2, cases.get("people_crowd").get("crowds").asLong(), cases.toString());
    }

    private static long count(String output, String... parts) {
        return output.lines().filter(l -> java.util.Arrays.stream(parts).allMatch(l::contains)).count();
    }
}
