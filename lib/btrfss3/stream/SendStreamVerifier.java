package btrfss3.stream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Passes a btrfs send stream through unchanged while checking it (see {@link SendStreamChecker}):
 * a read fails with {@link SendStreamException} as soon as the bytes it read complete a problem,
 * and the read that meets the end of the underlying stream fails instead of returning -1 unless the
 * stream ended right after its END command.
 *
 * <p>The bytes of a failing read are never handed out, so a command with a bad crc never reaches
 * the reader complete: its last byte is withheld. Feeding {@code btrfs receive} from this stream,
 * the receiver is stopped before it applies a damaged command, and the exception says which
 * command, at which offset, was damaged.
 *
 * <pre>{@code
 * try (InputStream in = new SendStreamVerifier(plaintext)) {
 *     in.transferTo(receiveStdin);
 * }
 * }</pre>
 *
 * <p>mark/reset is not supported; skip reads (and checks) what it skips.
 */
public final class SendStreamVerifier extends FilterInputStream {
    private static final int TRANSFER_BUFFER = 256 * 1024;

    private final SendStreamChecker checker = new SendStreamChecker();
    private final byte[] one = new byte[1];

    public SendStreamVerifier(InputStream in) {
        super(Objects.requireNonNull(in, "in"));
    }

    /** Reads a whole stream, checking it, and returns its summary (without btrfs, without root). */
    public static StreamSummary verify(InputStream in) throws IOException {
        SendStreamVerifier v = new SendStreamVerifier(in);
        v.transferTo(OutputStream.nullOutputStream());
        return v.summary();
    }

    @Override
    public int read() throws IOException {
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int n = in.read(b, off, len);
        if (n < 0) {
            checker.finish();
            return -1;
        }
        checker.update(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        byte[] buf = new byte[(int) Math.min(n, 64 * 1024)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        byte[] buf = new byte[TRANSFER_BUFFER];
        long total = 0;
        int n;
        while ((n = read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
        // not supported
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset is not supported");
    }

    /**
     * The summary of the stream, once it was read to its end and found complete.
     *
     * @throws IllegalStateException before that, or when the stream failed verification
     */
    public StreamSummary summary() {
        return checker.summary();
    }

    /** The subvolume the stream creates, known once its first command was read and checked; null before. */
    public StreamSubvolume subvolume() {
        return checker.subvolume();
    }

    /** Bytes read and checked so far. */
    public long bytes() {
        return checker.bytes();
    }
}
