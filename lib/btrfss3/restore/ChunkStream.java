package btrfss3.restore;

import btrfss3.pipeline.BulkInputStream;
import btrfss3.format.RestoreKey;
import btrfss3.s3.RangePrefetcher;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The plaintext of one backup: its chunks, downloaded ahead in parallel ranges, each decrypted on
 * its own, concatenated in name order. Errors name the chunk, so a user knows which object is damaged.
 */
final class ChunkStream extends BulkInputStream {
    /** Ranges of 8 MiB, four ahead: enough to hide the latency of each request. */
    private static final int RANGE = 8 << 20;
    private static final int AHEAD = 4;

    private final RangePrefetcher prefetcher;
    private final List<S3Object> chunks;
    private final RestoreKey.ChunkDecryptor decryptor;
    private int next;
    private InputStream current;
    private String currentKey;

    ChunkStream(S3Client s3, String bucket, List<S3Object> chunks, RestoreKey.ChunkDecryptor decryptor) {
        this.chunks = chunks;
        this.decryptor = decryptor;
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
                return n;
            }
            current.close();
            current = null;
        }
    }

    private void open(int index) throws IOException {
        currentKey = chunks.get(index).key();
        try {
            current = decryptor.decrypt(prefetcher.open(index));
        } catch (IOException e) {
            throw new IOException("chunk " + currentKey + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        prefetcher.close();
    }
}
