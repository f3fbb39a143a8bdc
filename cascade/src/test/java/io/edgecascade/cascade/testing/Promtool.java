package io.edgecascade.cascade.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code promtool check metrics} (the Prometheus linter) on a scrape. */
public final class Promtool {

    private Promtool() {
    }

    /** Returns promtool's output; fails the test with it when promtool reports any problem. */
    public static String checkMetrics(String scrape) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(ExternalTool.require("promtool").toString(), "check", "metrics"))
                .redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(scrape.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool check metrics did not finish in 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0 || !out.isBlank()) {
            fail("promtool check metrics found problems (exit " + p.exitValue() + "):\n" + out);
        }
        return out;
    }
}
