package io.edgecascade.app.testing;

import io.edgecascade.cascade.TestAssets;
import java.nio.file.Path;

/** The lines every test agent config starts with. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * YOLOX-Nano from the test data, one inference thread, the events file, no metrics endpoint (a taken port on a
     * shared machine cannot fail the test), and {@code pipeline} as given (a YAML flow mapping, e.g.
     * {@code "{ progress_interval_s: 0 }"}); ends with a newline.
     */
    public static String head(Path events, String pipeline) {
        return """
                model: { path: %s, labels: %s }
                threads: 1
                events: { path: %s }
                metrics: { listen: "0" }
                pipeline: %s
                """.formatted(TestAssets.model(), TestAssets.labels(), events, pipeline);
    }
}
