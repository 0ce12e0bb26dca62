package btrfss3.pipeline;

import java.io.IOException;
import java.io.InputStream;

/** An input stream that works in arrays; the single-byte read goes through the array read. */
public abstract class BulkInputStream extends InputStream {
    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
