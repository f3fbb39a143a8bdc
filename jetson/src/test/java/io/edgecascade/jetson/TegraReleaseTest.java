package io.edgecascade.jetson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TegraReleaseTest {

    @Test
    void readsReleaseAndModelOfAnOrin(@TempDir Path dir) throws Exception {
        Path release = dir.resolve("nv_tegra_release");
        Files.writeString(release, "# R35 (release), REVISION: 4.1, GCID: 33958178, BOARD: t186ref, EABI: aarch64,"
                + " DATE: Tue Aug  1 19:57:35 UTC 2023\n# KERNEL_VARIANT: oot\n");
        Path model = dir.resolve("model");
        Files.writeString(model, "NVIDIA Jetson AGX Orin Developer Kit\0");

        TegraRelease r = TegraRelease.read(release, model).orElseThrow();

        assertEquals(35, r.major());
        assertEquals("4.1", r.revision());
        assertEquals("35.4.1", r.l4tVersion());
        assertEquals("t186ref", r.board());
        assertEquals("NVIDIA Jetson AGX Orin Developer Kit", r.model());
    }

    @Test
    void absentOrForeignFilesMeanNoJetson(@TempDir Path dir) throws Exception {
        assertTrue(TegraRelease.read(dir.resolve("missing"), dir.resolve("model")).isEmpty());
        Path other = dir.resolve("release");
        Files.writeString(other, "Debian GNU/Linux 12\n");
        assertTrue(TegraRelease.read(other, dir.resolve("model")).isEmpty());
    }

    @Test
    void parsesAnOldReleaseWithoutBoard() {
        TegraRelease r = TegraRelease.parse("# R32 (release), REVISION: 7.4", "").orElseThrow();
        assertEquals("32.7.4", r.l4tVersion());
        assertEquals("", r.board());
    }
}
