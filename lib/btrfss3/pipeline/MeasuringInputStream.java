package btrfss3.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Counts and SHA-256-hashes what is read through it, to compare a stored object with its manifest. */
public final class MeasuringInputStream extends BulkInputStream {
    private final InputStream in;
    private final MessageDigest digest = Sha256.digest();
    private long bytes;

    public MeasuringInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            digest.update(b, off, n);
            bytes += n;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    public long bytes() {
        return bytes;
    }

    /** The hash of everything read; call once, after the end was reached. */
    public String sha256Hex() {
        return Sha256.hex(digest);
    }
}
