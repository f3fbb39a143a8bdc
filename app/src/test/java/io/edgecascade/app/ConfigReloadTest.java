package io.edgecascade.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.edgecascade.app.config.AppConfig;
import io.edgecascade.app.config.ConfigLoader;
import io.edgecascade.cascade.detect.ObjectDetector;
import io.edgecascade.cascade.pipeline.Cascade;
import io.edgecascade.cascade.pipeline.SlowDetector;
import io.edgecascade.cascade.pipeline.SourceFactory;
import io.edgecascade.cascade.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP's reload: a changed value's log line comes once the value is in effect, so whoever reads the line finds
 * it applied. Defect: the line came first; WebPageTest read the old min_area right after it on a loaded machine.
 */
class ConfigReloadTest {

    @Test
    void aChangeIsLoggedOnceItApplies(@TempDir Path dir) throws Exception {
        String yaml = "model:\n  path: " + TestMedia.model() + "\n  labels: " + TestMedia.labels() + "\n"
                + "cameras:\n  - id: lobby\n    source: " + TestMedia.video() + "\n    motion:\n      min_area: 0.001\n";
        Path file = Files.writeString(dir.resolve("c.yaml"), yaml);
        ConfigLoader loader = new ConfigLoader(Map.of(), List.of("auto", "onnxruntime-cpu"));
        AppConfig started = loader.load(file);
        ObjectDetector nothing = new SlowDetector(0); // finds nothing, at once
        List<Double> inEffectWhenLogged = new ArrayList<>();
        try (Cascade cascade = new Cascade(started.cameras(), SourceFactory.ffmpeg(), List.of(nothing), List.of(),
                started.pipeline(), List.of())) {
            Logger log = (Logger) LoggerFactory.getLogger(ConfigReload.class);
            AppenderBase<ILoggingEvent> reader = new AppenderBase<>() {
                @Override
                protected void append(ILoggingEvent e) {
                    if (e.getFormattedMessage().contains("motion.min_area 0.001 -> 0.002")) {
                        inEffectWhenLogged.add(cascade.camera("lobby").motion().minArea());
                    }
                }
            };
            reader.start();
            log.addAppender(reader);
            try {
                Files.writeString(file, yaml.replace("min_area: 0.001", "min_area: 0.002"));
                new ConfigReload(file, loader, cascade, started).run();
            } finally {
                log.detachAppender(reader);
            }
        }
        assertEquals(List.of(0.002), inEffectWhenLogged);
    }
}
