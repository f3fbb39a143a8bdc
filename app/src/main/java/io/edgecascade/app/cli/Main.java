package io.edgecascade.app.cli;

import ch.qos.logback.classic.Level;
import io.edgecascade.cascade.source.FfmpegFrameSource;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code edge-cascade}: the command line. */
@Command(name = "edge-cascade", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Edge video analytics: a motion gate, a local detector, and only the frames that matter.",
        subcommands = {RunCommand.class, DemoCommand.class, CloudCommand.class, BenchCommand.class, ProbeCommand.class,
                ModelsCommand.class, ConfigCommand.class, SpoolCommand.class, QuantizeCommand.class, JetsonCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the command failed (bad model, video, server...; the message says which)",
                "2:bad command line or config",
                "3:the run stopped on a fatal failure of a pipeline stage (the message says which and the fix)"})
public final class Main implements Runnable {

    private static volatile boolean verbose;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Debug logging, FFmpeg warnings and stack traces of errors.")
    void setVerbose(boolean v) {
        verbose = v;
        configureLogging();
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line writing its output and error lines to the given writers. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        verbose = false;
        configureLogging();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(Main::handle);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static void configureLogging() {
        bridgeJavaUtilLogging();
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(verbose ? Level.DEBUG : Level.INFO);
        }
        FfmpegFrameSource.configureLogging(verbose);
    }

    /**
     * Sends java.util.logging records (gRPC's and Netty's warnings, e.g. a GOAWAY from the cloud) through SLF4J, so
     * they come out as the agent's own log lines instead of raw two-line records on stderr. Once per process.
     */
    static synchronized void bridgeJavaUtilLogging() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof UserError u) {
            for (String line : u.getMessage().split("\n")) {
                err.println("error: " + line);
            }
            if (verbose && u.getCause() != null) {
                u.getCause().printStackTrace(err);
            }
            err.flush();
            return u.exitCode();
        }
        err.println("error: unexpected " + e + (verbose ? "" : " (run with --verbose for details)"));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return UserError.FAILED;
    }
}
