package btrfss3.btrfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Drains a child's stderr on a thread of its own (a full pipe would stall the child) and
 * keeps the last bytes, which hold the error message worth showing the user.
 */
public final class StreamTail extends Thread {
    private final InputStream in;
    private final byte[] ring;
    private long total;

    public StreamTail(InputStream in, int keep) {
        super("stderr-tail");
        setDaemon(true);
        this.in = in;
        this.ring = new byte[keep];
    }

    @Override
    public void run() {
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (this) {
                    for (int i = 0; i < n; i++) {
                        ring[(int) (total++ % ring.length)] = buf[i];
                    }
                }
            }
        } catch (IOException e) {
            // The child went away; what was read is what there is.
        }
    }

    /** Waits for the stream to end, then returns what it kept. */
    public String text() {
        try {
            join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            int len = (int) Math.min(total, ring.length);
            byte[] out = new byte[len];
            long start = total - len;
            for (int i = 0; i < len; i++) {
                out[i] = ring[(int) ((start + i) % ring.length)];
            }
            return new String(out, StandardCharsets.UTF_8);
        }
    }
}
