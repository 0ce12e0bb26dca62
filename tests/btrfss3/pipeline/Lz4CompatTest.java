package btrfss3.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import btrfss3.support.Exec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Our LZ4 frames against the real lz4 command line, in both directions. */
class Lz4CompatTest {
    private static byte[] sample(int size) {
        byte[] b = new byte[size];
        Random r = new Random(size);
        for (int i = 0; i < size; i++) {
            // Half text-like, half random: both code paths of the compressor.
            b[i] = (i / 4096) % 2 == 0 ? (byte) ('a' + r.nextInt(4)) : (byte) r.nextInt();
        }
        return b;
    }

    private static byte[] compress(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream lz4 = Lz4Streams.compress(out)) {
            lz4.write(plain);
        }
        return out.toByteArray();
    }

    private static byte[] decompress(byte[] frame) throws IOException {
        try (InputStream in = Lz4Streams.decompress(new ByteArrayInputStream(frame))) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4 * 1024 * 1024, 9_000_001})
    void lz4DecodesWhatWeWrite(int size) throws IOException {
        byte[] plain = sample(size);
        assertArrayEquals(plain, Exec.check(List.of("lz4", "-d", "-c"), compress(plain)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4 * 1024 * 1024, 9_000_001})
    void weDecodeWhatLz4Writes(int size) throws IOException {
        byte[] plain = sample(size);
        assertArrayEquals(plain, decompress(Exec.check(List.of("lz4", "-c"), plain)));
    }

    /** What lz4-java's own frame writer makes of the same bytes, with the settings we use. */
    private static byte[] compressWithLz4Java(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream lz4 = new net.jpountz.lz4.LZ4FrameOutputStream(out,
                net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB, -1L,
                net.jpountz.lz4.LZ4Factory.fastestInstance().fastCompressor(),
                net.jpountz.xxhash.XXHashFactory.fastestInstance().hash32(),
                net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
                net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM)) {
            lz4.write(plain);
        }
        return out.toByteArray();
    }

    @Test
    void framesAreThoseOfLz4JavaByteForByte() throws IOException {
        // Compressible and incompressible (random) blocks, a last partial block, written in odd pieces.
        byte[] plain = new byte[3 * 4 * 1024 * 1024 + 12_345];
        Random r = new Random(5);
        r.nextBytes(plain);
        byte[] text = sample(4 * 1024 * 1024);
        System.arraycopy(text, 0, plain, 4 * 1024 * 1024, text.length);
        for (int i = 0; i < 100_000; i++) {
            plain[plain.length - 1 - i] = (byte) ('a' + i % 3);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream lz4 = Lz4Streams.compress(out)) {
            int off = 0;
            for (int step = 1; off < plain.length; step = (step * 5 + 3) % (3 << 20)) {
                int n = Math.min(step, plain.length - off);
                lz4.write(plain, off, n);
                off += n;
            }
        }
        assertArrayEquals(compressWithLz4Java(plain), out.toByteArray());
        for (int size : new int[] {0, 1, 4 * 1024 * 1024}) {
            assertArrayEquals(compressWithLz4Java(sample(size)), compress(sample(size)), "size " + size);
        }
        assertArrayEquals(plain, Exec.check(List.of("lz4", "-d", "-c"), out.toByteArray()));
    }

    @Test
    void truncationAndTrailingDataAndDamageAreErrors() throws IOException {
        byte[] frame = compress(sample(2_000_000));
        assertThrows(IOException.class, () -> decompress(Arrays.copyOf(frame, frame.length - 3)));
        assertThrows(IOException.class, () -> decompress(Arrays.copyOf(frame, frame.length / 2)));
        byte[] longer = Arrays.copyOf(frame, frame.length + 10);
        assertThrows(IOException.class, () -> decompress(longer));
        byte[] flipped = frame.clone();
        flipped[frame.length / 2] ^= 0x40;
        assertThrows(IOException.class, () -> decompress(flipped));
    }
}
