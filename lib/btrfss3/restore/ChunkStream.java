package btrfss3.restore;

import btrfss3.format.RestoreKey;
import btrfss3.manifest.Manifest;
import btrfss3.pipeline.BulkInputStream;
import btrfss3.pipeline.MeasuringInputStream;
import btrfss3.s3.RangePrefetcher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The plaintext of one backup: its chunks, downloaded ahead in parallel ranges, each decrypted on
 * its own, concatenated in name order. Errors name the chunk, so a user knows which object is damaged.
 * With a manifest, each stored object's size and SHA-256 are checked as it is read: a chunk of
 * the openssl format has no authentication of its own.
 */
final class ChunkStream extends BulkInputStream {
    /** Ranges of 8 MiB, four ahead: enough to hide the latency of each request. */
    private static final int RANGE = 8 << 20;
    private static final int AHEAD = 4;

    private final RangePrefetcher prefetcher;
    private final List<S3Object> chunks;
    private final RestoreKey.ChunkDecryptor decryptor;
    private final List<Manifest.Chunk> expected;
    private final RestoreReport report;
    private int next;
    private InputStream current;
    private MeasuringInputStream stored;
    private String currentKey;

    /** @param expected the manifest's chunks, in the same order as {@code chunks}; null without a manifest */
    ChunkStream(S3Client s3, String bucket, List<S3Object> chunks, RestoreKey.ChunkDecryptor decryptor,
                List<Manifest.Chunk> expected, RestoreReport report) {
        if (expected != null && expected.size() != chunks.size()) {
            throw new IllegalArgumentException("the manifest and the listing differ");
        }
        this.chunks = chunks;
        this.decryptor = decryptor;
        this.expected = expected;
        this.report = report;
        this.prefetcher = new RangePrefetcher(s3, bucket,
                chunks.stream().map(c -> new RangePrefetcher.Item(c.key(), c.size())).toList(), RANGE, AHEAD);
    }


    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            if (current == null) {
                if (next == chunks.size()) {
                    return -1;
                }
                open(next++);
            }
            int n;
            try {
                n = current.read(b, off, len);
            } catch (IOException e) {
                throw new IOException("chunk " + currentKey + ": " + e.getMessage(), e);
            }
            if (n >= 0) {
                report.read(n);
                return n;
            }
            checkStored(next - 1);
            current.close();
            current = null;
        }
    }

    /** Once a chunk's plaintext has ended, what was stored must be exactly what the manifest recorded. */
    private void checkStored(int index) throws IOException {
        if (expected == null) {
            return;
        }
        Manifest.Chunk want = expected.get(index);
        if (!currentKey.endsWith("/" + want.name())) {
            throw new IOException("chunk " + currentKey + " is not where the manifest has " + want.name());
        }
        stored.transferTo(OutputStream.nullOutputStream());
        if (stored.bytes() != want.storedBytes() || !stored.sha256Hex().equals(want.sha256())) {
            throw new IOException("chunk " + currentKey + " is not the object the backup stored (its SHA-256 or size "
                    + "differs from the manifest's)");
        }
    }

    private void open(int index) throws IOException {
        currentKey = chunks.get(index).key();
        report.chunk(index + 1, chunks.size());
        try {
            stored = new MeasuringInputStream(prefetcher.open(index));
            current = decryptor.decrypt(stored);
        } catch (IOException e) {
            throw new IOException("chunk " + currentKey + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        prefetcher.close();
    }
}
