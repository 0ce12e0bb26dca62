package btrfss3.restore;

import btrfss3.format.RestoreKey;
import btrfss3.s3.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The plaintext of one backup: its chunks fetched in name order, each decrypted on its own,
 * concatenated. Errors name the chunk, so a user knows which object is damaged.
 */
final class ChunkStream extends InputStream {
    private final S3Client s3;
    private final String bucket;
    private final RestoreKey.ChunkDecryptor decryptor;
    private final Iterator<S3Object> chunks;
    private InputStream current;
    private String currentKey;

    ChunkStream(S3Client s3, String bucket, List<S3Object> chunks, RestoreKey.ChunkDecryptor decryptor) {
        this.s3 = s3;
        this.bucket = bucket;
        this.decryptor = decryptor;
        this.chunks = chunks.iterator();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            if (current == null) {
                if (!chunks.hasNext()) {
                    return -1;
                }
                open(chunks.next());
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

    private void open(S3Object chunk) throws IOException {
        currentKey = chunk.key();
        InputStream body = new ObjectReader(s3, bucket, chunk.key(), chunk.size());
        try {
            current = decryptor.decrypt(body);
        } catch (IOException e) {
            body.close();
            throw new IOException("chunk " + chunk.key() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
        }
    }
}
