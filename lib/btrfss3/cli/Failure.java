package btrfss3.cli;

/**
 * An error the user can act on: a one-line message and the exit code that reports it.
 * The scripts print the message alone, never a stack trace.
 */
public class Failure extends RuntimeException {
    private final int exitCode;

    public Failure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public Failure(int exitCode, String message, Throwable cause) {
        super(message, cause, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static Failure usage(String message) {
        return new Failure(ExitCode.USAGE, message);
    }

    public static Failure failed(String message) {
        return new Failure(ExitCode.FAILED, message);
    }

    public static Failure failed(String message, Throwable cause) {
        return new Failure(ExitCode.FAILED, message, cause);
    }
}
