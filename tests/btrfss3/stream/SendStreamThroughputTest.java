package btrfss3.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.testenv.LoopbackBtrfs;
import btrfss3.testenv.Proc;
import btrfss3.testenv.TreeGenerator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How fast bytes pass through the verifier: a kernel stream of a tree of about
 * {@code -Dbtrfss3.stream.benchMiB} MiB (default 64; 200 for a fair figure), held in memory, copied to a null sink with
 * and without the verifier (best of five). Prints the rates; asserts only that the stream verifies.
 */
class SendStreamThroughputTest {
    @TempDir
    Path tmp;

    @Test
    void throughput() throws IOException {
        long mib = Long.getLong("btrfss3.stream.benchMiB", 64);
        byte[] stream;
        try (LoopbackBtrfs fs = LoopbackBtrfs.create("stream-throughput", Math.max(1L << 30, 3 * (mib << 20)))) {
            Path src = fs.createSubvolume("data");
            TreeGenerator.generate(src, 21, mib << 20, Math.max(1, mib / 8) << 20);
            Path snap = fs.snapshot(src, "snap", true);
            Path file = tmp.resolve("stream");
            Proc.run(List.of("btrfs", "send", "-q", "-f", file.toString(), snap.toString()), 600).check();
            stream = Files.readAllBytes(file);
            Files.delete(file);
        }
        assertTrue(stream.length > (mib << 20) / 2, "stream of only " + stream.length + " bytes");

        double plain = 0;
        double verified = 0;
        for (int round = 0; round < 5; round++) {
            plain = Math.max(plain, rate(stream, new ByteArrayInputStream(stream), null));
            SendStreamVerifier v = new SendStreamVerifier(new ByteArrayInputStream(stream));
            verified = Math.max(verified, rate(stream, v, v));
        }
        System.out.printf("send stream of %.1f MB (%d commands): through the verifier %.0f MB/s,"
                + " plain copy %.0f MB/s (best of 5, from memory, reads of 256 KiB, to a null sink)%n", stream.length / 1e6,
                SendStreamVerifier.verify(new ByteArrayInputStream(stream)).commands(), verified, plain);
    }

    /** Copies in to a null sink in reads of 256 KiB, as restore does, and returns MB/s. */
    private static double rate(byte[] stream, InputStream in, SendStreamVerifier v) throws IOException {
        OutputStream sink = OutputStream.nullOutputStream();
        byte[] buf = new byte[256 * 1024];
        long n = 0;
        int r;
        long t0 = System.nanoTime();
        while ((r = in.read(buf, 0, buf.length)) >= 0) {
            sink.write(buf, 0, r);
            n += r;
        }
        long t1 = System.nanoTime();
        assertEquals(stream.length, n);
        if (v != null) {
            assertEquals(stream.length, v.summary().bytes());
        }
        return stream.length / 1e6 / ((t1 - t0) / 1e9);
    }
}
