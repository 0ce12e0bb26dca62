package btrfss3.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs a script's picocli command with the project's conventions: usage errors exit 1 with the
 * option named, {@link Failure}s print one line and exit with their code, and nothing prints a
 * stack trace unless BTRFS_SEND_TO_S3_DEBUG is set. A command that is a {@link RunListener} is told
 * how its run ended, failures included.
 */
public final class Cli {
    private Cli() {}

    public static int run(Object command, String[] args) {
        // The AWS SDK logs through SLF4J; with no backend SLF4J itself complains on stderr, which
        // cron would mail after every good run. Its built-in no-op provider keeps runs silent.
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
        // Otherwise picocli looks for Groovy's Closure class, and a class that is not there is
        // searched for in every jar of the class path: 35 ms of every start.
        System.setProperty("picocli.disable.closures", "true");
        CommandLine cl = new CommandLine(command);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        if (args.length == 0) {
            cl.usage(System.err);
            return ExitCode.USAGE;
        }
        // Unknown options are collected rather than thrown at once, so that they are the error
        // reported even when required options are missing too: a typo is the likelier cause.
        cl.setUnmatchedArgumentsAllowed(true);
        boolean[] ran = {false};
        String[] error = {null};
        cl.setExecutionStrategy(parsed -> {
            if (!parsed.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(parsed.commandSpec().commandLine(), parsed.unmatched());
            }
            ran[0] = !parsed.isUsageHelpRequested() && !parsed.isVersionHelpRequested();
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            List<String> unmatched = e.getCommandLine().getUnmatchedArguments();
            String message = !(e instanceof CommandLine.UnmatchedArgumentException) && !unmatched.isEmpty()
                    ? new CommandLine.UnmatchedArgumentException(e.getCommandLine(), unmatched).getMessage()
                    : e.getMessage();
            err.println("ERROR: " + message + " (see '" + e.getCommandLine().getCommandName() + " --help')");
            err.flush();
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            PrintWriter err = c.getErr();
            if (e instanceof Failure f) {
                error[0] = f.getMessage();
                err.println("ERROR: " + f.getMessage());
                if (debug() && f.getCause() != null) {
                    f.getCause().printStackTrace(err);
                }
                err.flush();
                return f.exitCode();
            }
            error[0] = "unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            err.println("ERROR: " + error[0]);
            if (debug()) {
                e.printStackTrace(err);
            }
            err.flush();
            return ExitCode.FAILED;
        });
        int exitCode = cl.execute(args);
        if (ran[0] && command instanceof RunListener listener) {
            listener.runEnded(exitCode, error[0]);
        }
        return exitCode;
    }

    private static boolean debug() {
        return System.getenv("BTRFS_SEND_TO_S3_DEBUG") != null;
    }
}
