package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config validate} shows where forwarded frames wait and go, and warns of a keepalive servers refuse. */
class ConfigValidateForwardingTest {

    @Test
    void validateShowsTheForwardingSettingsAndWarnsOfAKeepaliveServersRefuse(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                model: { path: %s, labels: %s }
                cloud: { url: 127.0.0.1:9000, mode: stream, keepalive_s: 60 }
                spool: { dir: %s }
                cameras:
                  - id: demo
                    source: %s
                """.formatted(TestAssets.model(), TestAssets.labels(), dir.resolve("spool"),
                TestAssets.personVideo()));
        Cli r = Cli.run("config", "validate", config.toString());
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains("forwarding: keepalive 60 s, a frame is given up after 10 failed attempts or at once"
                + " when the server can never accept it; spool " + dir.resolve("spool") + " (up to 1073741824 bytes),"
                + " dead letters " + dir.resolve("spool-dead-letters") + " (up to 268435456 bytes)"), r.toString());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith(config + ": warning: cloud.keepalive_s 60")
                && l.contains("too_many_pings")), "the keepalive warning, on stderr like every warning: " + r);
        assertEquals("ok", lines.get(lines.size() - 1));
    }
}
