package btrfss3.restore;

import btrfss3.report.Progress;
import btrfss3.report.RunReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a restore or verify run tells its {@link RunReport} ({@code --json}, {@code --prometheus-file},
 * the progress line), under the names the README documents. Everything is declared when this is
 * made, so a run that fails early reports the same fields as one that succeeds.
 */
public final class RestoreReport {
    private final RunReport report;
    private final Progress progress;
    private final LongAdder backups;
    private final LongAdder chunks;
    private long expected;

    public RestoreReport(RunReport report) {
        this.report = report;
        this.progress = report.progress();
        report.fact("seq", null).fact("lastSnapshot", null)
                .amount("bytesRead", "Bytes of stored chunks the last run read and decrypted.", progress::bytes)
                .throughputOf("bytesRead");
        backups = report.counter("backups", "Backups the last run restored or verified.");
        chunks = report.counter("chunksRead", "Chunks the last run read.");
    }

    /** The backups the run will read, in order: the progress line's step and ETA come from them. */
    void planned(List<OpenedBackup> all) {
        expected = all.stream().mapToLong(b -> b.backup().storedBytes()).sum();
        progress.expectBytes(expected);
    }

    /** Backup {@code number} of {@code total} is being read. */
    void reading(int number, int total) {
        progress.step("backup " + number + " of " + total);
    }

    /** Nothing to read for this backup: its bytes leave the total (bytesRead counts only what was read). */
    void skipped(OpenedBackup b) {
        expected -= b.backup().storedBytes();
        progress.expectBytes(expected);
    }

    /** Called from the download side: chunk {@code number} (from 1) of {@code total} is being read. */
    void chunk(int number, int total) {
        progress.chunk(number, total);
        chunks.increment();
    }

    /** Decrypted bytes of stored chunks: the progress line's bytes. */
    void read(long n) {
        progress.addBytes(n);
    }

    void done(OpenedBackup b, Path snapshot) {
        backups.increment();
        report.fact("seq", b.seq());
        if (snapshot != null) {
            report.fact("lastSnapshot", snapshot.toString());
        }
    }
}
