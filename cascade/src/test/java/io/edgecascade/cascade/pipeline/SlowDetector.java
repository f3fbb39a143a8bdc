package io.edgecascade.cascade.pipeline;

import java.util.List;

/** A detector that finds nothing and takes {@code millis} per frame: a slow engine, for pipeline tests. */
public class SlowDetector extends ScriptedDetector {

    public SlowDetector(long millis) {
        super(n -> {
            sleep(millis);
            return List.of();
        });
    }
}
