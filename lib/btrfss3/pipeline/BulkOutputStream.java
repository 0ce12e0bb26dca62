package btrfss3.pipeline;

import java.io.IOException;
import java.io.OutputStream;

/** An output stream that works in arrays; the single-byte write goes through the array write. */
public abstract class BulkOutputStream extends OutputStream {
    @Override
    public final void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public abstract void write(byte[] b, int off, int len) throws IOException;
}
