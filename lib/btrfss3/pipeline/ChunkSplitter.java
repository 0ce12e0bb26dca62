package btrfss3.pipeline;

import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code split -b SIZE}: cuts one stream into chunks of exactly {@code chunkSize} bytes, the last
 * one shorter. A chunk is opened only when its first byte arrives, so there is never an empty one.
 */
public final class ChunkSplitter extends BulkOutputStream {
    /** Opens the sink of chunk number {@code index} (0 for xaaaa). */
    public interface ChunkOpener {
        OutputStream open(long index) throws IOException;
    }

    private final long chunkSize;
    private final ChunkOpener opener;
    private OutputStream current;
    private long inCurrent;
    private long chunks;
    private long total;
    private boolean closed;

    public ChunkSplitter(long chunkSize, ChunkOpener opener) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive");
        }
        this.chunkSize = chunkSize;
        this.opener = opener;
    }


    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (current == null) {
                current = opener.open(chunks++);
                inCurrent = 0;
            }
            int n = (int) Math.min(len, chunkSize - inCurrent);
            current.write(b, off, n);
            inCurrent += n;
            total += n;
            off += n;
            len -= n;
            if (inCurrent == chunkSize) {
                OutputStream full = current;
                current = null;
                full.close();
            }
        }
    }

    /** Closes the last chunk. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null) {
            OutputStream last = current;
            current = null;
            last.close();
        }
    }

    public long chunkCount() {
        return chunks;
    }

    public long totalBytes() {
        return total;
    }
}
