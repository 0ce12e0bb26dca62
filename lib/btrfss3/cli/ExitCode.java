package btrfss3.cli;

/**
 * Exit codes are the monitoring API: cron and systemd alert on them, so they never change meaning.
 */
public final class ExitCode {
    /** Everything done. */
    public static final int OK = 0;
    /** Usage error or a precondition not met; nothing was changed. */
    public static final int USAGE = 1;
    /** Failed after work began (a snapshot taken, a receive started); state was cleaned up. */
    public static final int FAILED = 2;
    /** A required program (btrfs) is missing. */
    public static final int MISSING_DEPENDENCY = 3;
    /**
     * Backup: stored in S3, but tidying up afterwards (deleting the old snapshot) failed.
     * Restore: chunks are in an archive storage class and must be thawed first.
     */
    public static final int PARTIAL = 4;

    private ExitCode() {}
}
