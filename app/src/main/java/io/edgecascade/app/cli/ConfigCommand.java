package io.edgecascade.app.cli;

import io.edgecascade.app.config.ConfigException;
import io.edgecascade.app.config.ConfigLoader;
import io.edgecascade.engines.EngineRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code edge-cascade config validate FILE}. */
@Command(name = "config", description = "Work with config files.", mixinStandardHelpOptions = true,
        subcommands = {ConfigCommand.Validate.class})
final class ConfigCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Loads a config the way {@code run} would and prints {@code ok} or every problem. */
    static ConfigLoader loader() {
        return new ConfigLoader(System.getenv(), EngineRegistry.standard().names());
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a config: prints 'ok', or every problem one per line and exits 2.")
    static final class Validate implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "The YAML config.")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                loader().load(file);
                spec.commandLine().getOut().println("ok");
                return 0;
            } catch (ConfigException e) {
                for (String p : e.problems()) {
                    spec.commandLine().getErr().println(file + ": " + p);
                }
                return UserError.USAGE;
            }
        }
    }
}
