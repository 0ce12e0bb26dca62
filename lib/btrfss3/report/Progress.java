package btrfss3.report;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The live state of a transfer, which a {@link ProgressDisplay} shows: bytes so far, the chunk in
 * hand, and, when known, totals and the step of a longer run ("backup 2 of 5"). Updates are single
 * atomic or volatile writes, cheap enough for the pipeline's hot path; reading is left to the
 * display's own thread.
 */
public final class Progress {
    /** Nothing known (no total, no chunk yet). */
    public static final long UNKNOWN = -1;

    private final AtomicLong bytes = new AtomicLong();
    private volatile long chunk;
    private volatile long chunks = UNKNOWN;
    private volatile long expectedBytes = UNKNOWN;
    private volatile String step;

    /** What a display needs, read at one moment. */
    public record Snapshot(long bytes, long expectedBytes, long chunk, long chunks, String step) {
        /** True once there is anything to show: before that, a display stays silent. */
        public boolean started() {
            return bytes > 0 || chunk > 0 || step != null;
        }
    }

    public void addBytes(long n) {
        bytes.addAndGet(n);
    }

    public long bytes() {
        return bytes.get();
    }

    /** Chunk {@code number} (counted from 1) is in hand; how many there are is not known. */
    public void chunk(long number) {
        chunk(number, UNKNOWN);
    }

    /** Chunk {@code number} of {@code total} (counted from 1) is in hand. */
    public void chunk(long number, long total) {
        chunks = total;
        chunk = number;
    }

    /** The bytes the transfer will reach, which gives an ETA; {@link #UNKNOWN} for none. */
    public void expectBytes(long total) {
        expectedBytes = total;
    }

    /** The step of a run made of several transfers, e.g. "backup 2 of 5"; null for none. */
    public void step(String label) {
        step = label;
    }

    public Snapshot snapshot() {
        return new Snapshot(bytes.get(), expectedBytes, chunk, chunks, step);
    }
}
