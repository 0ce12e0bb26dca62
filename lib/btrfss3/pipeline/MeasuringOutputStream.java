package btrfss3.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Passes bytes through, counting them and hashing them with SHA-256 for the manifest. */
public final class MeasuringOutputStream extends BulkOutputStream {
    private final OutputStream out;
    private final MessageDigest digest = Sha256.digest();
    private long bytes;

    public MeasuringOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        digest.update(b, off, len);
        bytes += len;
        out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    public long bytes() {
        return bytes;
    }

    /** The hash of everything written; call once, after the last write. */
    public String sha256Hex() {
        return Sha256.hex(digest);
    }
}
