package btrfss3.age;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A long stream changes cipher implementation between two chunks; nothing else may change. */
class StreamCipherTest {
    static final int CHUNK = StreamCipher.CHUNK_SIZE;
    /** The chunk whose bytes take the count to the threshold: the first one BoringSSL handles. */
    static final int MOVE_AT = (int) (StreamCipher.NATIVE_AFTER_BYTES / CHUNK) - 1;
    static final int CHUNKS = MOVE_AT + 40;

    @Test
    void aStreamMovesToBoringSslAtTheThresholdAndSealsTheSameBytes() {
        assumeTrue(ChaChaPolyTest.backendsHere().contains(ChaChaPoly.Backend.BORINGSSL));
        assertNotNull(BoringSsl.await());
        SplittableRandom rnd = new SplittableRandom(17);
        byte[] fileKey = bytes(rnd, 16);
        byte[] nonce = bytes(rnd, StreamCipher.PAYLOAD_NONCE_SIZE);
        byte[] plain = bytes(rnd, CHUNK);

        StreamCipher moving = new StreamCipher(ChaChaPoly.Backend.JDK, fileKey, nonce, new AtomicLong());
        StreamCipher fixed = new StreamCipher(ChaChaPoly.Backend.JDK, fileKey, nonce);
        byte[] a = new byte[StreamCipher.SEALED_CHUNK_SIZE];
        byte[] b = new byte[StreamCipher.SEALED_CHUNK_SIZE];
        byte[][] sealed = new byte[CHUNKS][];
        for (int i = 0; i < CHUNKS; i++) {
            assertEquals(i <= MOVE_AT ? ChaChaPoly.Backend.JDK : ChaChaPoly.Backend.BORINGSSL, moving.backend(),
                    "before chunk " + i);
            int len = i == CHUNKS - 1 ? 1234 : CHUNK;
            plain[0] = (byte) i;
            int n = moving.seal(plain, 0, len, i == CHUNKS - 1, a);
            assertEquals(n, fixed.seal(plain, 0, len, i == CHUNKS - 1, b));
            assertArrayEquals(Arrays.copyOf(b, n), Arrays.copyOf(a, n), "chunk " + i);
            sealed[i] = Arrays.copyOf(a, n);
        }
        assertEquals(ChaChaPoly.Backend.BORINGSSL, moving.backend());

        StreamCipher opening = new StreamCipher(ChaChaPoly.Backend.JDK, fileKey, nonce, new AtomicLong());
        byte[] out = new byte[CHUNK];
        for (int i = 0; i < CHUNKS; i++) {
            boolean last = i == CHUNKS - 1;
            // A reader tries the chunk as a middle one first; the last fails that way and moves nothing.
            if (last) {
                assertEquals(-1, opening.open(sealed[i], 0, sealed[i].length, false, out));
            }
            int n = opening.open(sealed[i], 0, sealed[i].length, last, out);
            assertEquals(last ? 1234 : CHUNK, n, "chunk " + i);
            assertEquals((byte) i, out[0]);
            assertArrayEquals(Arrays.copyOfRange(plain, 1, n), Arrays.copyOfRange(out, 1, n));
        }
        assertEquals(ChaChaPoly.Backend.BORINGSSL, opening.backend());
    }

    @Test
    void aStreamWithoutACountNeverMoves() {
        byte[] plain = new byte[CHUNK];
        StreamCipher fixed = new StreamCipher(ChaChaPoly.Backend.JDK, new byte[16], new byte[16]);
        byte[] out = new byte[StreamCipher.SEALED_CHUNK_SIZE];
        for (int i = 0; i < CHUNKS; i++) {
            fixed.seal(plain, 0, CHUNK, false, out);
        }
        assertEquals(ChaChaPoly.Backend.JDK, fixed.backend());
    }

    @Test
    void aStreamStartsOnBoringSslOnceTheCountIsPast() {
        assumeTrue(ChaChaPolyTest.backendsHere().contains(ChaChaPoly.Backend.BORINGSSL));
        assertNotNull(BoringSsl.await());
        AtomicLong past = new AtomicLong(StreamCipher.NATIVE_AFTER_BYTES);
        assertEquals(ChaChaPoly.Backend.BORINGSSL,
                new StreamCipher(ChaChaPoly.Backend.JDK, new byte[16], new byte[16], past).backend());
    }

    @Test
    void aRunThatExpectsEnoughBytesStartsItsStreamsOnBoringSsl() {
        assumeTrue(ChaChaPolyTest.backendsHere().contains(ChaChaPoly.Backend.BORINGSSL));
        AtomicLong count = new AtomicLong();
        StreamCipher.expect(StreamCipher.NATIVE_AFTER_BYTES - 1, count);
        assertEquals(0, count.get(), "too little to expect changes nothing");
        assertEquals(ChaChaPoly.Backend.JDK,
                new StreamCipher(ChaChaPoly.Backend.JDK, new byte[16], new byte[16], count).backend());

        StreamCipher.expect(StreamCipher.NATIVE_AFTER_BYTES, count);
        assertNotNull(BoringSsl.await());
        assertEquals(ChaChaPoly.Backend.BORINGSSL,
                new StreamCipher(ChaChaPoly.Backend.JDK, new byte[16], new byte[16], count).backend());

        AtomicLong further = new AtomicLong(StreamCipher.NATIVE_AFTER_BYTES + 5);
        StreamCipher.expect(StreamCipher.NATIVE_AFTER_BYTES, further);
        assertEquals(StreamCipher.NATIVE_AFTER_BYTES + 5, further.get(), "expecting never lowers the count");
    }

    static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
