package btrfss3.cli;

/**
 * A command that must say how its run ended however it ended ({@code --json},
 * {@code --prometheus-file}): {@link Cli#run} tells it the exit code and the error it printed,
 * including for a {@link Failure} thrown from anywhere in the command.
 */
public interface RunListener {
    /**
     * Called once after the command ran, whether it returned or threw; not after a command-line
     * parse error, {@code --help} or {@code --version}, where nothing ran.
     *
     * @param error the one-line message printed after {@code ERROR: }, or null when none was
     */
    void runEnded(int exitCode, String error);
}
