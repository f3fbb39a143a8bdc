package io.edgecascade.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecascade.cascade.TestAssets;
import io.edgecascade.cascade.forward.ForwardItem;
import io.edgecascade.cascade.spool.SpoolDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edge-cascade spool requeue}: dead letters back into the spool, for the next start to send. */
class SpoolRequeueTest {

    @TempDir
    Path dir;

    private Path config() throws Exception {
        return Files.writeString(dir.resolve("c.yaml"), """
                model: { path: %s, labels: %s }
                cloud: { url: 127.0.0.1:9000 }
                spool: { dir: %s }
                cameras:
                  - id: cam
                    source: %s
                """.formatted(TestAssets.model(), TestAssets.labels(), dir.resolve("spool"), TestAssets.personVideo()));
    }

    /** A dead letter as the forwarder writes it (docs/forwarding.md: the dead-letter folder). */
    private Path letter(String name, ForwardItem item) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("spool-dead-letters"));
        return Files.writeString(folder.resolve(name), """
                {"format":"edge-cascade dead letter","version":1,"id":"%s","camera":"%s","reason":"max_attempts",
                 "status":"INTERNAL","error":"INTERNAL: the model crashed","attempts":10,"record_version":2,
                 "record":"%s"}
                """.formatted(item.id(), item.camera(), Base64.getEncoder().encodeToString(item.toBytes())));
    }

    @Test
    void putsEveryReadableLetterBackAndKeepsTheOthers() throws Exception {
        ForwardItem item = new ForwardItem("cam:7:700:1700000000000", "cam", 7, 700, 1_700_000_000_000L,
                "{\"detections\":[]}", new byte[] {(byte) 0xff, (byte) 0xd8, 7});
        Path good = letter("20261207T101010.000Z-cam_7.json", item);
        Path bad = Files.writeString(dir.resolve("spool-dead-letters/20261207T101011.000Z-broken.json"), "{");
        Cli r = Cli.run("spool", "requeue", "--config", config().toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("requeued 1 of 2 dead letters into " + dir.resolve("spool")), r.toString());
        assertTrue(r.err().contains(bad + ": "), r.toString());
        assertFalse(Files.exists(good), "a requeued letter is deleted");
        assertTrue(Files.exists(bad), "one that could not be read stays");
        try (SpoolDirectory spool = SpoolDirectory.open(SpoolDirectory.Settings.of(dir.resolve("spool"), 1L << 30,
                SpoolDirectory.Fsync.NEVER), tag -> { })) {
            SpoolDirectory.Entry e = spool.poll();
            assertEquals("cam", e.tag());
            assertArrayEquals(item.toBytes(), spool.read(e));
            assertEquals(0, spool.attempts(e), "its attempts start again");
            assertNull(spool.poll());
        }
    }

    @Test
    void refusesWhileTheAgentHoldsTheSpool() throws Exception {
        letter("a.json", new ForwardItem("cam:1:100:1", "cam", 1, 100, 1, "{}", new byte[] {1}));
        Path config = config();
        try (SpoolDirectory running = SpoolDirectory.open(SpoolDirectory.Settings.of(dir.resolve("spool"),
                1L << 30, SpoolDirectory.Fsync.NEVER), tag -> { })) {
            Cli r = Cli.run("spool", "requeue", "--config", config.toString());
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().contains("in use"), r.toString());
        }
        assertTrue(Files.exists(dir.resolve("spool-dead-letters/a.json")));
    }
}
