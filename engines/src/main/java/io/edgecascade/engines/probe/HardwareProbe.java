package io.edgecascade.engines.probe;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Finds out what the box has: Jetson ({@code /etc/nv_tegra_release}, {@code /proc/device-tree/model}), NVIDIA GPUs
 * (the driver's NVML), the CPU's vendor and features ({@code /proc/cpuinfo}), Intel GPUs ({@code /dev/dri} render
 * nodes with PCI vendor 0x8086), NPUs ({@code /dev/accel}), and which engine libraries load.
 *
 * <p>Every file is read below {@code root} and every library through a {@link NativeLoader}, so tests describe any
 * machine with a directory tree and a fake loader. Reading is best effort: what cannot be read counts as absent.
 */
public final class HardwareProbe {

    private static final String INTEL_PCI_VENDOR = "0x8086";

    private final Path root;
    private final NativeLoader loader;
    private final Supplier<Set<String>> ortProviders;
    private final String arch;

    public HardwareProbe(Path root, NativeLoader loader, Supplier<Set<String>> ortProviders, String arch) {
        this.root = root;
        this.loader = loader;
        this.ortProviders = ortProviders;
        this.arch = arch;
    }

    /** This machine. */
    public static HardwareProbe system() {
        return new HardwareProbe(Path.of("/"), NativeLoader.system(), HardwareProbe::onnxRuntimeProviders,
                System.getProperty("os.arch", ""));
    }

    /** The execution providers in the ONNX Runtime jar: CPU only in the default build, CUDA/TensorRT with -Pgpu. */
    public static Set<String> onnxRuntimeProviders() {
        Set<String> names = new TreeSet<>();
        try {
            for (OrtProvider p : OrtEnvironment.getAvailableProviders()) {
                names.add(p.name());
            }
        } catch (LinkageError e) {
            // ONNX Runtime does not load on this machine: no providers
        }
        return names;
    }

    public HardwareProfile probe() {
        Optional<HardwareProfile.Jetson> jetson = jetson();
        List<String> gpus = List.of();
        String nvidiaStatus = "";
        try {
            gpus = loader.nvidiaGpus();
            if (gpus.isEmpty()) {
                nvidiaStatus = "the NVIDIA driver reports no GPU";
            }
        } catch (NativeLoader.ProbeException e) {
            nvidiaStatus = e.getMessage();
        }
        Map<String, String> cpu = cpuInfo();
        Map<String, LibraryStatus> libs = new LinkedHashMap<>();
        for (String lib : HardwareProfile.PROBED_LIBRARIES) {
            libs.put(lib, loader.load(lib));
        }
        return new HardwareProfile(arch, jetson, gpus, nvidiaStatus, cpu.getOrDefault("vendor_id", ""),
                cpu.getOrDefault("model name", ""), cpuFeatures(cpu.getOrDefault("flags",
                        cpu.getOrDefault("Features", ""))), intelGpus(), npus(), libs, ortProviders.get());
    }

    private Path path(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    private Optional<HardwareProfile.Jetson> jetson() {
        Path release = path("/etc/nv_tegra_release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        String first = read(release).lines().findFirst().orElse("").strip();
        String model = read(path("/proc/device-tree/model")).replace("\0", "").strip();
        return Optional.of(new HardwareProfile.Jetson(first, model));
    }

    /** The first processor's block of /proc/cpuinfo, keys as written. */
    private Map<String, String> cpuInfo() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : read(path("/proc/cpuinfo")).lines().toList()) {
            if (line.isBlank()) {
                if (!m.isEmpty()) {
                    break;
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                m.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return m;
    }

    /** The features that decide inference speed, from the cpuinfo flag list. */
    static Set<String> cpuFeatures(String flags) {
        Set<String> have = new TreeSet<>(List.of(flags.toLowerCase(Locale.ROOT).split("\\s+")));
        Set<String> out = new TreeSet<>();
        if (have.contains("avx2")) {
            out.add("avx2");
        }
        if (have.contains("avx512f")) {
            out.add("avx512");
        }
        if (have.contains("avx512_vnni") || have.contains("avx_vnni")) {
            out.add(have.contains("avx512_vnni") ? "avx512_vnni" : "avx_vnni");
        }
        if (have.contains("amx_tile") || have.contains("amx_int8") || have.contains("amx_bf16")) {
            out.add("amx");
        }
        if (have.contains("asimd") || have.contains("neon")) {
            out.add("neon");
        }
        if (have.contains("asimddp")) {
            out.add("dotprod");
        }
        return out;
    }

    private List<String> intelGpus() {
        List<String> out = new ArrayList<>();
        for (Path node : list(path("/dev/dri"), "renderD*")) {
            String name = node.getFileName().toString();
            String vendor = read(path("/sys/class/drm/" + name + "/device/vendor")).strip();
            if (vendor.equalsIgnoreCase(INTEL_PCI_VENDOR)) {
                out.add("/dev/dri/" + name);
            }
        }
        return out;
    }

    private List<String> npus() {
        List<String> out = new ArrayList<>();
        for (Path node : list(path("/dev/accel"), "accel*")) {
            out.add("/dev/accel/" + node.getFileName());
        }
        return out;
    }

    private static List<Path> list(Path dir, String glob) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(out::add);
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
