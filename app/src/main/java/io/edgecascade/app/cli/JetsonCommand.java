package io.edgecascade.app.cli;

import io.edgecascade.jetson.TegraRelease;
import io.edgecascade.jetson.power.PowerControl;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edge-cascade jetson power [--mode ID|NAME] [--max-clocks]}: a Jetson's power mode and clocks. */
@Command(name = "jetson", mixinStandardHelpOptions = true, description = "What only a Jetson has.",
        subcommands = {JetsonCommand.Power.class})
final class JetsonCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "power", mixinStandardHelpOptions = true,
            description = {"Show the power mode (nvpmodel), the modes this board has, and whether jetson_clocks pins"
                    + " the clocks; with root, switch the mode and pin the clocks at their maximum."})
    static final class Power implements Callable<Integer> {

        @Option(names = "--mode", paramLabel = "ID|NAME", description = "Switch to this nvpmodel mode (needs root).")
        String mode;

        @Option(names = "--max-clocks", description = "Pin CPU, GPU and memory clocks at the mode's maximum with"
                + " jetson_clocks (needs root; lasts until reboot).")
        boolean maxClocks;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PowerControl pc = PowerControl.detect().orElseThrow(() -> new UserError(
                    "this is not a Jetson (no nvpmodel in /usr/sbin or /usr/bin): 'jetson power' runs on a Jetson"
                            + " with JetPack installed"));
            if ((mode != null || maxClocks) && !PowerControl.isRoot()) {
                throw new UserError("changing the power mode or clocks needs root: sudo edge-cascade jetson power"
                        + (mode != null ? " --mode " + mode : "") + (maxClocks ? " --max-clocks" : ""));
            }
            try {
                if (mode != null) {
                    List<PowerControl.Mode> modes = pc.modes();
                    PowerControl.Mode target = pc.mode(mode).orElseThrow(() -> new UserError("no power mode '" + mode
                            + "' on this board; choose one of " + modes, UserError.USAGE, null));
                    PowerControl.Result r = pc.setMode(target);
                    if (r.exitCode() != 0) {
                        throw new UserError("nvpmodel -m " + target.id() + " failed: " + oneLine(r.output()));
                    }
                    out.println("power mode set: " + target + (r.output().isBlank() ? "" : "; nvpmodel: "
                            + oneLine(r.output())));
                }
                if (maxClocks) {
                    PowerControl.Result r = pc.maxClocks();
                    if (r.exitCode() != 0) {
                        throw new UserError("jetson_clocks failed: " + oneLine(r.output()));
                    }
                    out.println("clocks pinned at the maximum of the mode (jetson_clocks)");
                }
                show(pc, out);
            } catch (IOException e) {
                throw new UserError("cannot read the power mode: " + e.getMessage(), UserError.FAILED, e);
            }
            out.flush();
            return 0;
        }

        private static void show(PowerControl pc, PrintWriter out) throws IOException {
            Optional<TegraRelease> release = TegraRelease.detect();
            release.ifPresent(r -> out.println("board:       " + (r.model().isEmpty() ? r.board() : r.model())
                    + " (L4T " + r.l4tVersion() + ")"));
            out.println("power mode:  " + pc.current());
            out.println("modes:       " + pc.modes());
            Optional<Boolean> pinned = pc.clocksPinned();
            out.println("clocks:      " + pinned.map(p -> p ? "pinned at maximum (jetson_clocks)" : "dynamic (DVFS)")
                    .orElse("unknown (jetson_clocks --show said nothing readable)"));
        }

        private static String oneLine(String output) {
            return output.strip().replaceAll("\\s*\\R\\s*", "; ");
        }
    }
}
