package btrfss3.cli;

import java.io.PrintStream;

/**
 * What the tools say. Warnings and errors go to stderr, where cron mails them; what is being done
 * goes to stdout only when asked for (-v), so a good run under cron is silent. Under --json,
 * stdout belongs to the JSON line and both streams of a Log are stderr.
 */
public final class Log {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean verbose;

    public Log(PrintStream out, PrintStream err, boolean verbose) {
        this.out = out;
        this.err = err;
        this.verbose = verbose;
    }

    public static Log standard(boolean verbose) {
        return new Log(System.out, System.err, verbose);
    }

    public void info(String message) {
        if (verbose) {
            out.println(message);
        }
    }

    /** Always printed on stdout: the one line a run reports as its result. */
    public void result(String message) {
        out.println(message);
    }

    public void warn(String message) {
        err.println("WARNING: " + message);
    }

    public void error(String message) {
        err.println("ERROR: " + message);
    }
}
