package io.edgecascade.jetson.power;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Jetson's power mode ({@code nvpmodel}) and clock pinning ({@code jetson_clocks}), through JetPack's own tools:
 * reads need no privileges, changes need root (the tools say so themselves otherwise).
 *
 * @param nvpmodel     the nvpmodel tool
 * @param jetsonClocks the jetson_clocks tool
 * @param config       nvpmodel's mode table ({@code /etc/nvpmodel.conf})
 */
public record PowerControl(Path nvpmodel, Path jetsonClocks, Path config) {

    /** A power mode: its nvpmodel id and name (e.g. 0 MAXN, 1 15W, 2 7W). */
    public record Mode(int id, String name) {
        @Override
        public String toString() {
            return id + " (" + name + ")";
        }
    }

    /** One run of a tool: exit status and what it printed. */
    public record Result(int exitCode, String output) {
    }

    private static final Pattern CURRENT = Pattern.compile("NV Power Mode:\\s*(\\S+)\\s*\\R\\s*(\\d+)");
    private static final Pattern MODEL = Pattern.compile("<\\s*POWER_MODEL\\s+ID=(\\d+)\\s+NAME=(\\S+?)\\s*>");
    private static final Pattern GPU_CLOCK = Pattern.compile("(?m)^GPU MinFreq=(\\d+) MaxFreq=(\\d+)");

    /** JetPack's tools on this machine; empty when this is not a Jetson (no nvpmodel). */
    public static Optional<PowerControl> detect() {
        Path nvpmodel = firstExecutable("/usr/sbin/nvpmodel", "/usr/bin/nvpmodel");
        if (nvpmodel == null) {
            return Optional.empty();
        }
        Path clocks = firstExecutable("/usr/bin/jetson_clocks", "/usr/sbin/jetson_clocks");
        return Optional.of(new PowerControl(nvpmodel, clocks == null ? Path.of("/usr/bin/jetson_clocks") : clocks,
                Path.of("/etc/nvpmodel.conf")));
    }

    private static Path firstExecutable(String... candidates) {
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        return null;
    }

    /** The mode now ({@code nvpmodel -q}). */
    public Mode current() throws IOException {
        Result r = run(List.of(nvpmodel.toString(), "-q"));
        Matcher m = CURRENT.matcher(r.output());
        if (r.exitCode() != 0 || !m.find()) {
            throw new IOException("nvpmodel -q said: " + r.output().strip());
        }
        return new Mode(Integer.parseInt(m.group(2)), m.group(1));
    }

    /** The modes this board offers, from nvpmodel's table. */
    public List<Mode> modes() throws IOException {
        return parseModes(Files.readString(config, StandardCharsets.UTF_8));
    }

    static List<Mode> parseModes(String conf) {
        List<Mode> modes = new ArrayList<>();
        Matcher m = MODEL.matcher(conf);
        while (m.find()) {
            modes.add(new Mode(Integer.parseInt(m.group(1)), m.group(2)));
        }
        return List.copyOf(modes);
    }

    /** The mode with this id or name (case-insensitive), among {@link #modes()}. */
    public Optional<Mode> mode(String idOrName) throws IOException {
        return modes().stream()
                .filter(m -> Integer.toString(m.id()).equals(idOrName) || m.name().equalsIgnoreCase(idOrName))
                .findFirst();
    }

    /**
     * Switches to a mode ({@code nvpmodel -m ID}). A mode that needs a reboot is not rebooted into: nvpmodel's
     * question gets no answer, and its output says so.
     */
    public Result setMode(Mode mode) throws IOException {
        return run(List.of(nvpmodel.toString(), "-m", Integer.toString(mode.id())));
    }

    /** Pins CPU, GPU and EMC clocks at their maximum for the current mode ({@code jetson_clocks}). */
    public Result maxClocks() throws IOException {
        return run(List.of(jetsonClocks.toString()));
    }

    /** Whether the GPU clock is pinned (jetson_clocks sets its minimum to its maximum); empty if unknown. */
    public Optional<Boolean> clocksPinned() throws IOException {
        Result r = run(List.of(jetsonClocks.toString(), "--show"));
        return r.exitCode() == 0 ? parsePinned(r.output()) : Optional.empty();
    }

    static Optional<Boolean> parsePinned(String show) {
        Matcher m = GPU_CLOCK.matcher(show);
        return m.find() ? Optional.of(m.group(1).equals(m.group(2))) : Optional.empty();
    }

    private static Result run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 30 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** True when this process runs as root (changing modes and clocks needs it). */
    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
