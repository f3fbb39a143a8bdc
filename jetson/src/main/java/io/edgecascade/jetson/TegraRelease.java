package io.edgecascade.jetson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The L4T (Jetson Linux) release of a Jetson, read from {@code /etc/nv_tegra_release}, whose first line reads
 * {@code # R35 (release), REVISION: 4.1, GCID: 33958178, BOARD: t186ref, EABI: aarch64, DATE: ...}, and the
 * board's name from {@code /proc/device-tree/model}. The L4T release decides which TensorRT and CUDA
 * versions (JetPack) the box has.
 *
 * @param major    L4T major release, e.g. 35
 * @param revision L4T revision, e.g. "4.1"
 * @param board    board id from the release file, e.g. t186ref
 * @param model    human-readable model from the device tree, e.g. "NVIDIA Jetson AGX Orin Developer Kit", or
 *                 empty when unknown
 */
public record TegraRelease(int major, String revision, String board, String model) {

    public static final Path RELEASE_FILE = Path.of("/etc/nv_tegra_release");
    public static final Path MODEL_FILE = Path.of("/proc/device-tree/model");

    private static final Pattern LINE = Pattern.compile(
            "#\\s*R(\\d+)\\s*\\(release\\),\\s*REVISION:\\s*([0-9.]+)(?:,.*?BOARD:\\s*([^,\\s]+))?.*");

    /** The full L4T version, e.g. "35.4.1". */
    public String l4tVersion() {
        return major + "." + revision;
    }

    /** Reads this machine's release; empty when it is not a Jetson. */
    public static Optional<TegraRelease> detect() {
        return read(RELEASE_FILE, MODEL_FILE);
    }

    /** Reads a release file and a device-tree model file; empty when the release file is absent or unparsable. */
    public static Optional<TegraRelease> read(Path releaseFile, Path modelFile) {
        String release;
        try {
            if (!Files.isRegularFile(releaseFile)) {
                return Optional.empty();
            }
            release = Files.readString(releaseFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        String model = "";
        try {
            if (Files.isRegularFile(modelFile)) {
                // the device tree terminates strings with NUL
                model = Files.readString(modelFile, StandardCharsets.UTF_8).replace("\0", "").trim();
            }
        } catch (IOException e) {
            model = "";
        }
        return parse(release.lines().findFirst().orElse(""), model);
    }

    /** Parses the first line of {@code nv_tegra_release}. */
    public static Optional<TegraRelease> parse(String firstLine, String model) {
        Matcher m = LINE.matcher(firstLine.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new TegraRelease(Integer.parseInt(m.group(1)), m.group(2),
                m.group(3) == null ? "" : m.group(3), model == null ? "" : model));
    }
}
