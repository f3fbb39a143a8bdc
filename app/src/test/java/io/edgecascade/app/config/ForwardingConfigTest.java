package io.edgecascade.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.forward.CloudSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cloud.keepalive_s, cloud.max_attempts, spool.dead_letter_dir and spool.dead_letter_max_bytes. */
class ForwardingConfigTest {

    private static final ConfigLoader LOADER = new ConfigLoader(
            Map.of("EDGE_CASCADE_ASSETS", TestAssets.root().toString()), List.of("auto", "onnxruntime-cpu"));

    private static final String BASE = """
            model:
              path: ${EDGE_CASCADE_ASSETS}/models/yolox_nano.onnx
              labels: ${EDGE_CASCADE_ASSETS}/models/coco_classes.txt
            cameras:
              - id: lobby
                source: ${EDGE_CASCADE_ASSETS}/video/one-by-one-person-detection.mp4
            """;

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> LOADER.parse(yaml, "test.yaml")).problems();
    }

    @Test
    void defaultsPingNoMoreOftenThanCCoreServersAllowAndGiveUpAfterTenAttempts() throws Exception {
        AppConfig c = LOADER.parse(BASE + "cloud: {url: 127.0.0.1:9000}\nspool: {dir: /var/lib/edge/spool}\n",
                "test.yaml");
        assertTrue(c.cloud().keepalive().compareTo(Duration.ofMinutes(5)) >= 0, c.cloud().keepalive().toString());
        assertEquals(CloudSettings.DEFAULT_KEEPALIVE, c.cloud().keepalive());
        assertEquals(10, c.cloud().maxAttempts());
        assertEquals(Path.of("/var/lib/edge/spool-dead-letters"), c.spool().deadLetterDir(), "beside the spool");
        assertEquals(256L << 20, c.spool().deadLetterMaxBytes());
    }

    @Test
    void readsTheKeys() throws Exception {
        AppConfig c = LOADER.parse(BASE + """
                cloud: {url: 127.0.0.1:9000, keepalive_s: 600, max_attempts: 3}
                spool: {dir: spool, dead_letter_dir: /data/dead, dead_letter_max_bytes: 1048576}
                """, "test.yaml");
        assertEquals(Duration.ofSeconds(600), c.cloud().keepalive());
        assertEquals(3, c.cloud().maxAttempts());
        assertEquals(Path.of("/data/dead"), c.spool().deadLetterDir());
        assertEquals(1 << 20, c.spool().deadLetterMaxBytes());
        AppConfig off = LOADER.parse(BASE + "cloud: {url: 127.0.0.1:9000, keepalive_s: 0, max_attempts: 0}\n",
                "test.yaml");
        assertTrue(off.cloud().keepalive().isZero(), "0: no pings");
        assertEquals(0, off.cloud().maxAttempts(), "0: no limit");
    }

    @Test
    void badValuesAreNamedWithWhatIsAllowed() {
        List<String> p = problems(BASE + "cloud: {url: 127.0.0.1:9000, keepalive_s: 5, max_attempts: -1}\n"
                + "spool: {dir: spool, dead_letter_dir: spool, dead_letter_max_bytes: 10}\n");
        assertTrue(p.stream().anyMatch(m -> m.startsWith("cloud.keepalive_s") && m.contains("at least 10")),
                p.toString());
        assertTrue(p.stream().anyMatch(m -> m.startsWith("cloud.max_attempts") && m.contains("0..")), p.toString());
        assertTrue(p.stream().anyMatch(m -> m.startsWith("spool.dead_letter_dir") && m.contains("spool folder")),
                p.toString());
        assertTrue(p.stream().anyMatch(m -> m.startsWith("spool.dead_letter_max_bytes") && m.contains("65536")),
                p.toString());
    }
}
