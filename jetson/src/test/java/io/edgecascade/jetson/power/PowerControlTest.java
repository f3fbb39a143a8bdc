package io.edgecascade.jetson.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading and switching the power mode through nvpmodel and jetson_clocks, here scripts that answer as JetPack 6's
 * tools do on an Orin Nano (their outputs recorded in the strings below).
 */
class PowerControlTest {

    private static final String CONF = """
            < PARAM TYPE=FILE NAME=CPU_ONLINE >
            CORE_0 /sys/devices/system/cpu/cpu0/online
            < POWER_MODEL ID=0 NAME=15W >
            CPU_ONLINE CORE_0 1
            < POWER_MODEL ID=1 NAME=7W >
            CPU_ONLINE CORE_0 1
            < POWER_MODEL ID=2 NAME=MAXN_SUPER >
            < PM_CONFIG DEFAULT=0 >
            """;

    private static final String SHOW_PINNED = """
            SOC family:tegra234  Machine:NVIDIA Jetson Orin Nano Developer Kit
            Online CPUs: 0-5
            cpu0: Online=1 Governor=schedutil MinFreq=1510400 MaxFreq=1510400 CurrentFreq=1510400 IdleStates: WFI=0 c7=0
            GPU MinFreq=624750000 MaxFreq=624750000 CurrentFreq=624750000
            EMC MinFreq=204000000 MaxFreq=2133000000 CurrentFreq=2133000000 FreqOverride=1
            NV Power Mode: 15W
            """;

    private static Path script(Path dir, String name, String body) throws IOException {
        Path p = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void readsModesCurrentModeAndClocks(@TempDir Path dir) throws IOException {
        Path conf = Files.writeString(dir.resolve("nvpmodel.conf"), CONF);
        Path nvpmodel = script(dir, "nvpmodel", "echo 'NVPM WARN: fan mode is not set!'\necho 'NV Power Mode: 7W'\necho 1\n");
        Path clocks = script(dir, "jetson_clocks", "cat <<'EOF'\n" + SHOW_PINNED + "EOF\n");
        PowerControl pc = new PowerControl(nvpmodel, clocks, conf);
        assertEquals(List.of(new PowerControl.Mode(0, "15W"), new PowerControl.Mode(1, "7W"),
                new PowerControl.Mode(2, "MAXN_SUPER")), pc.modes());
        assertEquals(new PowerControl.Mode(1, "7W"), pc.current());
        assertEquals(Optional.of(new PowerControl.Mode(2, "MAXN_SUPER")), pc.mode("maxn_super"));
        assertEquals(Optional.of(new PowerControl.Mode(0, "15W")), pc.mode("0"));
        assertEquals(Optional.empty(), pc.mode("25W"));
        assertEquals(Optional.of(true), pc.clocksPinned());
        assertEquals(Optional.of(false), PowerControl.parsePinned(
                SHOW_PINNED.replace("GPU MinFreq=624750000", "GPU MinFreq=306000000")));
    }

    @Test
    void setModeRunsNvpmodelWithTheIdAndAnswersNoQuestion(@TempDir Path dir) throws IOException {
        Path args = dir.resolve("args");
        // nvpmodel asks before a mode that needs a reboot; stdin is closed, so the answer is no
        Path nvpmodel = script(dir, "nvpmodel", "echo \"$@\" > '" + args + "'\n"
                + "echo 'NVPM WARN: Reboot required for changing to this power mode: 2'\n"
                + "read answer || echo 'no answer: not rebooting'\n");
        PowerControl pc = new PowerControl(nvpmodel, dir.resolve("jetson_clocks"), dir.resolve("nvpmodel.conf"));
        PowerControl.Result r = pc.setMode(new PowerControl.Mode(2, "MAXN_SUPER"));
        assertEquals("-m 2", Files.readString(args).strip());
        assertEquals(0, r.exitCode());
        assertEquals(true, r.output().contains("not rebooting"), r.output());
    }

    @Test
    void aFailingQuerySaysWhatNvpmodelSaid(@TempDir Path dir) throws IOException {
        Path nvpmodel = script(dir, "nvpmodel", "echo 'NVPM ERROR: failed to read PARAM' >&2\nexit 1\n");
        PowerControl pc = new PowerControl(nvpmodel, dir.resolve("jetson_clocks"), dir.resolve("nvpmodel.conf"));
        IOException e = assertThrows(IOException.class, pc::current);
        assertEquals("nvpmodel -q said: NVPM ERROR: failed to read PARAM", e.getMessage());
    }
}
