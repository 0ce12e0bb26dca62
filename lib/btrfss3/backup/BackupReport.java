package btrfss3.backup;

import btrfss3.report.Progress;
import btrfss3.report.RunReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a backup tells its {@link RunReport} ({@code --json}, {@code --prometheus-file}, the
 * progress line), under the names the README documents. Every entry is declared when this is
 * made, null or zero until the run gets there: made before the options are checked, it gives a
 * failed run the same fields as a good one.
 */
public final class BackupReport {
    private final RunReport report;
    private final Progress progress;
    private final LongAdder stored;
    private final LongAdder chunks;

    public BackupReport(RunReport report) {
        this.report = report;
        this.progress = report.progress();
        report.fact("seq", null).fact("type", null).fact("parent", null)
                .amount("bytesSent", "Bytes of the btrfs send stream of the last run.", progress::bytes)
                .throughputOf("bytesSent");
        stored = report.counter("bytesStored", "Bytes the last run stored in S3 (chunks, manifest and marker).");
        chunks = report.counter("chunks", "Chunks the last run stored.");
    }

    /** The backup's SEQ and the snapshot it is an increment on, if any. */
    void planned(long seq, Optional<ChainPlanner.Snapshot> parent) {
        report.fact("seq", seq).fact("type", parent.isPresent() ? "incremental" : "full");
        report.fact("parent", parent.map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", p.epoch());
            m.put("seq", p.seq());
            return m;
        }).orElse(null));
    }

    /** {@code n} more bytes read from btrfs send: on the hot path, one atomic add. */
    void sent(long n) {
        progress.addBytes(n);
    }

    /** Chunk {@code index} (0 for xaaaa) is being filled. */
    void chunkOpened(long index) {
        progress.chunk(index + 1);
    }

    void chunkStored(long size) {
        stored.add(size);
        chunks.increment();
    }

    /** The manifest or the marker. */
    void metadataStored(long size) {
        stored.add(size);
    }
}
