package io.edgecascade.app.cli;

import io.edgecascade.app.config.AppConfig;
import io.edgecascade.cascade.forward.DeadLetters;
import io.edgecascade.cascade.spool.SpoolDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code edge-cascade spool requeue --config FILE [DEAD_LETTER...]}. */
@Command(name = "spool", description = "Work with the forwarder's spool.", mixinStandardHelpOptions = true,
        subcommands = {SpoolCommand.Requeue.class})
final class SpoolCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "requeue", mixinStandardHelpOptions = true,
            description = {"Put dead letters (frames the forwarder gave up on) back into the spool, to be sent on the",
                    "next start; each file is deleted once the spool holds its frame. Run it while the agent is",
                    "stopped (the spool is locked while it runs)."})
    static final class Requeue implements Callable<Integer> {

        @Option(names = "--config", paramLabel = "FILE", required = true,
                description = "The agent's config: its spool: section says where the spool and the dead letters are.")
        Path config;

        @Parameters(paramLabel = "DEAD_LETTER", arity = "0..*",
                description = "Dead-letter files to requeue (default: every file in spool.dead_letter_dir).")
        List<Path> files;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            AppConfig c = RunCommand.load(config);
            SpoolDirectory.Settings settings = c.spool();
            List<Path> letters;
            try {
                letters = files == null || files.isEmpty() ? DeadLetters.files(settings.deadLetterDir()) : files;
            } catch (IOException e) {
                throw new UserError("cannot list the dead-letter folder " + settings.deadLetterDir() + " ("
                        + e.getMessage() + ")", UserError.FAILED, e);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (letters.isEmpty()) {
                out.println("no dead letters in " + settings.deadLetterDir());
                return 0;
            }
            DeadLetters.Requeued r;
            try (SpoolDirectory spool = SpoolDirectory.open(settings, tag -> { })) {
                r = DeadLetters.requeue(spool, letters);
            } catch (IOException e) {
                throw new UserError(e.getMessage(), UserError.FAILED, e);
            }
            r.problems().forEach(p -> spec.commandLine().getErr().println("error: " + p));
            out.println("requeued " + r.requeued().size() + " of " + letters.size() + " dead letters into "
                    + settings.dir() + "; they are sent on the agent's next start");
            return r.problems().isEmpty() ? 0 : UserError.FAILED;
        }
    }
}
