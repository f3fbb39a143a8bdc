package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code jetson power} where there is no Jetson (this machine, CI): one line saying so, exit 1. */
class JetsonPowerCommandTest {

    @Test
    void offAJetsonItSaysSoInOneLine() {
        assertTrue(!Files.exists(Path.of("/usr/sbin/nvpmodel")) && !Files.exists(Path.of("/usr/bin/nvpmodel")),
                "this test expects a machine that is not a Jetson");
        Cli cli = Cli.run("jetson", "power", "--mode", "0");
        assertEquals(1, cli.exitCode(), cli.toString());
        assertEquals(1, cli.errLines().size(), cli.toString());
        assertTrue(cli.errLines().get(0).startsWith("error: this is not a Jetson (no nvpmodel"), cli.toString());
    }
}
