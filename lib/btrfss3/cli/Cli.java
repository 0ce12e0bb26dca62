package btrfss3.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Runs a script's picocli command with the project's conventions: usage errors exit 1 with the
 * option named, {@link Failure}s print one line and exit with their code, and nothing prints a
 * stack trace unless BTRFS_SEND_TO_S3_DEBUG is set.
 */
public final class Cli {
    private Cli() {}

    public static int run(Object command, String[] args) {
        CommandLine cl = new CommandLine(command);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        if (args.length == 0) {
            cl.usage(System.err);
            return ExitCode.USAGE;
        }
        cl.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("ERROR: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandName() + " --help' for the options.");
            err.flush();
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            PrintWriter err = c.getErr();
            if (e instanceof Failure f) {
                err.println("ERROR: " + f.getMessage());
                if (debug() && f.getCause() != null) {
                    f.getCause().printStackTrace(err);
                }
                err.flush();
                return f.exitCode();
            }
            err.println("ERROR: unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            if (debug()) {
                e.printStackTrace(err);
            }
            err.flush();
            return ExitCode.FAILED;
        });
        return cl.execute(args);
    }

    private static boolean debug() {
        return System.getenv("BTRFS_SEND_TO_S3_DEBUG") != null;
    }
}
