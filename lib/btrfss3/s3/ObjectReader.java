package btrfss3.s3;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Reads one object as a stream that survives broken connections: the SDK retries a request
 * only until its response starts, so a reset in the middle of a body would otherwise end the
 * restore. On a read error this asks again for the rest ({@code Range: bytes=N-}), with backoff,
 * and never mistakes a short read for the end of the object: the length is checked.
 */
public final class ObjectReader extends InputStream {
    static final int MAX_RESUMES = 5;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final long length;
    private InputStream body;
    private long position;
    private int resumes;

    public ObjectReader(S3Client s3, String bucket, String key, long length) throws IOException {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.length = length;
        open();
    }

    private void open() throws IOException {
        try {
            body = position == 0
                    ? s3.getObject(b -> b.bucket(bucket).key(key))
                    : s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + position + "-"));
        } catch (SdkException e) {
            throw new IOException(key + " could not be read: " + S3Errors.describe(e), e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            int n;
            try {
                n = body.read(b, off, len);
            } catch (IOException e) {
                resume(e);
                continue;
            }
            if (n < 0) {
                if (position != length) {
                    resume(new IOException("the connection ended after " + position + " of " + length + " bytes"));
                    continue;
                }
                return -1;
            }
            position += n;
            if (position > length) {
                throw new IOException(key + " is longer than the " + length + " bytes listed: it changed during the restore");
            }
            return n;
        }
    }

    private void resume(IOException cause) throws IOException {
        if (++resumes > MAX_RESUMES) {
            throw new IOException(key + " could not be read after " + MAX_RESUMES + " retries: " + cause.getMessage(), cause);
        }
        try {
            body.close();
        } catch (IOException | RuntimeException ignored) {
            // The connection is already broken.
        }
        try {
            Thread.sleep(200L << resumes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        open();
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
