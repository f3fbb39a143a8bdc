package io.edgecascade.engines.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardwareProbeTest {

    @TempDir
    Path root;

    private void file(String path, String content) throws IOException {
        Path p = root.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    /** A loader where only {@code present} load, and the driver reports {@code gpus} (null = no driver). */
    private static NativeLoader loader(List<String> gpus, String... present) {
        return new NativeLoader() {
            @Override
            public LibraryStatus load(String library) {
                return List.of(present).contains(library) ? LibraryStatus.loaded(library)
                        : LibraryStatus.missing(library, library + ": cannot open shared object file");
            }

            @Override
            public List<String> nvidiaGpus() throws ProbeException {
                if (gpus == null) {
                    throw new ProbeException("no NVIDIA driver: libnvidia-ml.so.1 not found");
                }
                return gpus;
            }
        };
    }

    private HardwareProfile probe(NativeLoader loader, String arch) {
        return new HardwareProbe(root, loader, () -> Set.of("CPU"), arch).probe();
    }

    @Test
    void jetsonIsReadFromTheReleaseFileAndTheDeviceTree() throws Exception {
        file("/etc/nv_tegra_release", "# R36 (release), REVISION: 4.0, GCID: 37537400, BOARD: generic, EABI: aarch64\n"
                + "INSTALL_TYPE=\n");
        file("/proc/device-tree/model", "NVIDIA Jetson Orin Nano Developer Kit\0");
        file("/proc/cpuinfo", "processor\t: 0\nBogoMIPS\t: 62.50\nFeatures\t: fp asimd evtstrm aes asimddp\n\n");
        HardwareProfile hw = probe(loader(null, HardwareProfile.NVINFER, HardwareProfile.CUDART), "aarch64");
        assertTrue(hw.isJetson());
        assertEquals("NVIDIA Jetson Orin Nano Developer Kit", hw.jetson().get().model());
        assertTrue(hw.jetson().get().release().startsWith("# R36 (release), REVISION: 4.0"));
        assertFalse(hw.hasNvidiaGpu(), "a Jetson's iGPU has no NVML");
        assertEquals(Set.of("neon", "dotprod"), hw.cpuFeatures());
        assertFalse(hw.isIntel());
        assertTrue(hw.loads(HardwareProfile.NVINFER));
        assertFalse(hw.loads(HardwareProfile.OPENVINO));
    }

    @Test
    void intelCpuGpuAndNpuAreFound() throws Exception {
        file("/proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Core(TM) Ultra 7 155H\n"
                + "flags\t\t: fpu sse avx avx2 avx_vnni amx_tile amx_int8\n\nprocessor\t: 1\nvendor_id\t: Other\n");
        file("/dev/dri/renderD128", "");
        file("/dev/dri/renderD129", "");
        file("/dev/dri/card0", "");
        file("/sys/class/drm/renderD128/device/vendor", "0x8086\n");
        file("/sys/class/drm/renderD129/device/vendor", "0x1002\n"); // an AMD card beside it
        file("/dev/accel/accel0", "");
        HardwareProfile hw = probe(loader(null, HardwareProfile.OPENVINO), "amd64");
        assertEquals("GenuineIntel", hw.cpuVendor(), "first processor block only");
        assertEquals("Intel(R) Core(TM) Ultra 7 155H", hw.cpuModel());
        assertEquals(Set.of("avx2", "avx_vnni", "amx"), hw.cpuFeatures());
        assertEquals(List.of("/dev/dri/renderD128"), hw.intelGpus());
        assertEquals(List.of("/dev/accel/accel0"), hw.npus());
        assertTrue(hw.isIntel());
        assertTrue(hw.loads(HardwareProfile.OPENVINO));
        assertFalse(hw.isJetson());
    }

    @Test
    void avx512VnniIsReported() {
        assertEquals(Set.of("avx2", "avx512", "avx512_vnni"),
                HardwareProbe.cpuFeatures("fpu avx2 avx512f avx512bw avx512_vnni"));
        assertEquals(Set.of(), HardwareProbe.cpuFeatures(""));
    }

    @Test
    void nvidiaGpusComeFromTheDriver() throws Exception {
        file("/proc/cpuinfo", "vendor_id\t: AuthenticAMD\nflags\t: avx2\n");
        HardwareProfile hw = probe(loader(List.of("NVIDIA RTX A2000 12GB"), HardwareProfile.CUDART), "amd64");
        assertTrue(hw.hasNvidiaGpu());
        assertEquals(List.of("NVIDIA RTX A2000 12GB"), hw.nvidiaGpus());
        assertEquals("", hw.nvidiaStatus());
        assertFalse(hw.isIntel());
    }

    @Test
    void anEmptyMachineHasNothingAndSaysWhy() {
        HardwareProfile hw = probe(loader(null), "amd64");
        assertFalse(hw.isJetson());
        assertFalse(hw.hasNvidiaGpu());
        assertEquals("no NVIDIA driver: libnvidia-ml.so.1 not found", hw.nvidiaStatus());
        assertEquals("", hw.cpuVendor());
        assertTrue(hw.intelGpus().isEmpty());
        assertTrue(hw.npus().isEmpty());
        assertEquals(HardwareProfile.PROBED_LIBRARIES.size(), hw.libraries().size());
        assertTrue(hw.whyNot(HardwareProfile.OPENVINO).contains("cannot open shared object file"));
        assertEquals("amd64", hw.toMap().get("arch"));
    }

    @Test
    void loaderReasonsKeepTheInformativeLine() {
        assertEquals("libopenvino_c.so: cannot open shared object file: No such file or directory",
                LibraryStatus.loaderReason("Unable to load library 'libopenvino_c.so':\n"
                        + "libopenvino_c.so: cannot open shared object file: No such file or directory\n"
                        + "Native library (linux-x86-64/libopenvino_c.so) not found in resource path"));
        assertEquals("Unable to load library 'x'", LibraryStatus.loaderReason("Unable to load library 'x':"));
        assertEquals("not found", LibraryStatus.loaderReason(null));
    }

    @Test
    void theRealProbeRunsOnThisMachine() {
        // whatever this machine is, the probe must finish and describe it without throwing
        HardwareProfile hw = HardwareProbe.system().probe();
        assertTrue(hw.ortProviders().contains("CPU"), hw.ortProviders().toString());
        assertEquals(System.getProperty("os.arch"), hw.arch());
    }
}
