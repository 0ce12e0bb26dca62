package btrfss3.report;

import btrfss3.cli.Failure;
import btrfss3.cli.Log;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The reporting options of both scripts ({@code --progress}, {@code --json},
 * {@code --prometheus-file}) and the run's reporting from start to end. A command calls
 * {@link #begin} first thing and declares its entries in the report, then does its work inside
 * {@link #start} (a try-with-resources), takes its {@link Log} from {@link #log}, and passes
 * {@link btrfss3.cli.RunListener#runEnded} on to {@link #end}.
 *
 * <p>With {@code --json}, stdout carries the JSON line and nothing else: what would have gone to
 * stdout (the {@code -v} messages, a result line) goes to stderr instead.
 */
public final class ReportOptions {
    public enum When { AUTO, ALWAYS, NEVER }

    @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
            description = "Progress line on stderr: auto (only when stderr is a terminal), always or never (default: ${DEFAULT-VALUE}).")
    When progress = When.AUTO;

    @Option(names = "--no-progress", description = "Same as --progress=never.")
    boolean noProgress;

    @Option(names = "--json", description = "At the end, print one line of JSON about the run on stdout, on failure too (nothing else goes to stdout).")
    boolean json;

    @Option(names = "--prometheus-file", paramLabel = "FILE",
            description = "At the end, write metrics of the run to FILE (node_exporter textfile collector format), on failure too.")
    Path prometheusFile;

    private final PrintStream out;
    private final PrintStream err;
    private RunReport report;
    private ProgressDisplay display = ProgressDisplay.off();

    /** --json was given. */
    public boolean json() {
        return json;
    }

    public Path prometheusFile() {
        return prometheusFile;
    }

    public ReportOptions() {
        this(System.out, System.err);
    }

    ReportOptions(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Starts the run's report. Never fails, so that whatever fails later is reported.
     *
     * @param successCodes exit codes after which the work is done (see {@link RunReport})
     */
    public RunReport begin(String command, Set<Integer> successCodes) {
        report = new RunReport(command, Clock.systemUTC(), successCodes);
        return report;
    }

    /**
     * Checks these options, then starts the progress line if wanted: {@code always}, or
     * {@code auto} with stderr a terminal. Close it before the command's last message: ending the
     * line there keeps an error on a line of its own.
     */
    public ProgressDisplay start() {
        if (report == null) {
            throw new IllegalStateException("start() before begin()");
        }
        if (noProgress && progress == When.ALWAYS) {
            throw Failure.usage("--no-progress and --progress=always contradict each other");
        }
        if (prometheusFile != null) {
            Path dir = prometheusFile.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                throw Failure.usage("--prometheus-file: directory " + dir + " does not exist");
            }
            if (Files.isDirectory(prometheusFile)) {
                throw Failure.usage("--prometheus-file: " + prometheusFile + " is a directory");
            }
        }
        When when = noProgress ? When.NEVER : progress;
        boolean on = when == When.ALWAYS || when == When.AUTO && Terminal.stderrIsTerminal();
        display = on ? ProgressDisplay.start(report.progress(), err) : ProgressDisplay.off();
        return display;
    }

    /** The run's log: its messages clear the progress line first, and keep off stdout under --json. */
    public Log log(boolean verbose) {
        PrintStream messages = display.above(err);
        return new Log(json ? messages : display.above(out), messages, verbose);
    }

    /** Reports the end of the run: the JSON line, the metrics file. Never throws. */
    public void end(int exitCode, String error) {
        if (report == null) {
            return;
        }
        display.close();
        RunSummary summary = report.finish(exitCode, error);
        report = null;
        if (prometheusFile != null) {
            try {
                PrometheusTextfile.write(prometheusFile, summary);
            } catch (IOException | RuntimeException e) {
                err.println("WARNING: could not write the metrics file " + prometheusFile + ": " + describe(e));
            }
        }
        if (json) {
            out.println(JsonSummary.line(summary));
            out.flush();
        }
    }

    /** Java's file errors often say only the path; the kind of error is the useful part. */
    private static String describe(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (" + e.getMessage() + ")";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory (" + e.getMessage() + ")";
        }
        return e.getMessage();
    }
}
