package io.edgecascade.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.app.config.ConfigException;
import io.edgecascade.app.config.ConfigLoader;
import io.edgecascade.app.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to the cloud command and the cloud:/spool: config sections. */
class CloudCommandLineTest {

    @TempDir
    Path dir;

    @Test
    void cloudCommandRejectsAMissingModelFileWithOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true));
        int rc;
        try {
            rc = Main.execute("cloud", "--listen", "127.0.0.1:0", "--model", "yolox=" + dir.resolve("none.onnx"));
        } finally {
            System.setErr(old);
        }
        assertEquals(2, rc);
        assertTrue(err.toString().contains("error: --model yolox: file not found"), err.toString());
    }

    @Test
    void cloudCommandRejectsAModelWithoutAName() {
        assertEquals(2, Main.execute("cloud", "--model", "just-a-path.onnx"));
        assertEquals(2, Main.execute("cloud", "--listen", "nowhere", "--model", "a=b"));
    }

    private ConfigLoader loader() {
        return new ConfigLoader(Map.of(), List.of("auto", "onnxruntime-cpu"));
    }

    private String base() throws Exception {
        Path model = dir.resolve("m.onnx");
        Path labels = dir.resolve("labels.txt");
        Path video = dir.resolve("v.mp4");
        Files.writeString(model, "x");
        Files.writeString(labels, "person\ncar\n");
        Files.writeString(video, "x");
        return "model: {path: " + model + ", labels: " + labels + "}\ncameras: [{id: a, source: " + video + "}]\n";
    }

    @Test
    void cloudSectionIsReadWithDefaults() throws Exception {
        var cfg = loader().parse(base() + "cloud: {url: 'grpc://10.0.0.5:8001', model: det}\nspool: {dir: /tmp/x,"
                + " max_bytes: 1000000, fsync: always}\n", "t.yaml");
        assertEquals("10.0.0.5:8001", cfg.cloud().target());
        assertEquals("det", cfg.cloud().model());
        assertEquals(4, cfg.cloud().inflight());
        assertEquals(1_000_000, cfg.spool().maxBytes());
        assertEquals(io.edgecascade.cascade.spool.SpoolDirectory.Fsync.ALWAYS, cfg.spool().fsync());
        assertEquals(null, loader().parse(base(), "t.yaml").cloud(), "no cloud: section, no forwarding");
    }

    @Test
    void badCloudValuesAreAllReportedWithTheirKeys() throws Exception {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> loader().parse(base() + "cloud: {url: 'http//oops', input: jpeg, inflight: 0, tls: {cert: /no/such.pem},"
                        + " colour: red}\nspool: {max_bytes: 10, fsync: sometimes}\n", "t.yaml"));
        String all = String.join("\n", e.problems());
        for (String key : List.of("cloud.url", "cloud.input", "cloud.inflight", "cloud.tls.cert", "cloud.colour",
                "spool.max_bytes", "spool.fsync")) {
            assertTrue(all.contains(key), key + " missing in:\n" + all);
        }
    }
}
