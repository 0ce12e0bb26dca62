package btrfss3.age;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgeRoundTripTest {
    static final int CHUNK = 64 * 1024;
    private static final X25519Identity X1 = X25519Identity.generate();
    private static final X25519Identity X2 = X25519Identity.generate();
    private static final HybridIdentity PQ1 = HybridIdentity.generate();
    private static final HybridIdentity PQ2 = HybridIdentity.generate();

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] encrypt(byte[] plain, List<? extends Recipient> recipients) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = AgeEncryptor.encrypt(sink, recipients)) {
            out.write(plain);
        }
        return sink.toByteArray();
    }

    static byte[] decrypt(byte[] file, List<? extends Identity> identities) throws IOException {
        try (InputStream in = AgeDecryptor.decrypt(new ByteArrayInputStream(file), identities)) {
            return in.readAllBytes();
        }
    }

    /** Reads until failure and returns what was released, with the failure. */
    record Partial(byte[] released, AgeException failure) {}

    static Partial decryptPartially(byte[] file, List<? extends Identity> identities) throws IOException {
        ByteArrayOutputStream released = new ByteArrayOutputStream();
        try (InputStream in = AgeDecryptor.decrypt(new ByteArrayInputStream(file), identities)) {
            byte[] buf = new byte[7000];
            for (int n; (n = in.read(buf)) >= 0; ) {
                released.write(buf, 0, n);
            }
        } catch (AgeException e) {
            return new Partial(released.toByteArray(), e);
        }
        return new Partial(released.toByteArray(), null);
    }

    static int headerLength(byte[] file) throws IOException {
        return Header.read(new ByteArrayInputStream(file)).encodedLength();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 1, 3 * 1024 * 1024 + 7})
    void x25519RoundTrip(int size) throws IOException {
        byte[] plain = random(size, size);
        byte[] file = encrypt(plain, List.of(X1.recipient()));
        assertArrayEquals(plain, decrypt(file, List.of(X1)));
        int chunks = Math.max(1, (size + CHUNK - 1) / CHUNK);
        assertEquals(headerLength(file) + 16 + size + 16L * chunks, file.length, "payload framing");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, CHUNK, CHUNK + 1, 1024 * 1024})
    void hybridRoundTrip(int size) throws IOException {
        byte[] plain = random(size, size + 1);
        byte[] file = encrypt(plain, List.of(PQ1.recipient()));
        String header = new String(file, 0, headerLength(file), StandardCharsets.US_ASCII);
        assertTrue(header.contains("\n-> mlkem768x25519 "), header);
        assertArrayEquals(plain, decrypt(file, List.of(PQ1)));
    }

    @Test
    void parsedKeysRoundTrip() throws IOException {
        Identity x = Identity.parse(X1.secretKeyString());
        Identity pq = Identity.parse(PQ1.secretKeyString());
        Recipient xr = Recipient.parse(X1.recipient().toString());
        Recipient pqr = Recipient.parse(PQ1.recipient().toString());
        assertEquals(X1.recipient(), xr);
        assertEquals(PQ1.recipient(), pqr);
        byte[] plain = random(5000, 5);
        assertArrayEquals(plain, decrypt(encrypt(plain, List.of(xr)), List.of(x)));
        assertArrayEquals(plain, decrypt(encrypt(plain, List.of(pqr)), List.of(pq)));
    }

    @Test
    void multipleRecipientsEachDecrypt() throws IOException {
        byte[] plain = random(CHUNK * 3 + 5, 7);
        byte[] x = encrypt(plain, List.of(X1.recipient(), X2.recipient()));
        assertArrayEquals(plain, decrypt(x, List.of(X1)));
        assertArrayEquals(plain, decrypt(x, List.of(X2)));
        byte[] pq = encrypt(plain, List.of(PQ1.recipient(), PQ2.recipient()));
        assertArrayEquals(plain, decrypt(pq, List.of(PQ2)));
        assertArrayEquals(plain, decrypt(pq, List.of(X1, PQ1)));
    }

    @Test
    void mixingPostQuantumAndClassicRecipientsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AgeEncryptor.encrypt(new ByteArrayOutputStream(), List.of(X1.recipient(), PQ1.recipient())));
        assertTrue(e.getMessage().contains("cannot be mixed"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AgeEncryptor.encrypt(new ByteArrayOutputStream(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> AgeDecryptor.decrypt(new ByteArrayInputStream(new byte[0]), List.of()));
    }

    @Test
    void smallAndOddWritesGiveTheSameFile() throws IOException {
        byte[] plain = random(2 * CHUNK + 300, 9);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Random rnd = new Random(1);
        try (OutputStream out = AgeEncryptor.encrypt(sink, List.of(X1.recipient()))) {
            int off = 0;
            while (off < plain.length) {
                if (rnd.nextInt(4) == 0) {
                    out.write(plain[off++]);
                } else {
                    int n = Math.min(plain.length - off, rnd.nextInt(CHUNK + 10));
                    out.write(plain, off, n);
                    off += n;
                }
            }
        }
        assertArrayEquals(plain, decrypt(sink.toByteArray(), List.of(X1)));
    }

    @Test
    void closeIsIdempotentAndClosesTheSink() throws IOException {
        boolean[] closed = {false};
        ByteArrayOutputStream sink = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        OutputStream out = AgeEncryptor.encrypt(sink, List.of(X1.recipient()));
        out.write(1);
        out.close();
        int size = sink.size();
        out.close();
        assertTrue(closed[0]);
        assertEquals(size, sink.size());
        assertThrows(IOException.class, () -> out.write(2));
    }

    @Test
    void wrongIdentityIsNoMatch() throws IOException {
        byte[] file = encrypt(random(10, 1), List.of(X1.recipient()));
        assertEquals(AgeException.Kind.NO_MATCH, assertThrows(AgeException.class, () -> decrypt(file, List.of(X2, PQ1))).kind());
        byte[] pq = encrypt(random(10, 1), List.of(PQ1.recipient()));
        assertEquals(AgeException.Kind.NO_MATCH, assertThrows(AgeException.class, () -> decrypt(pq, List.of(PQ2, X1))).kind());
    }

    @Test
    void alteredHeaderMacIsHmacFailure() throws IOException {
        byte[] file = encrypt(random(10, 1), List.of(X1.recipient()));
        int macStart = headerLength(file) - 1 - 43;
        file[macStart] = (byte) (file[macStart] == 'A' ? 'B' : 'A');
        AgeException e = assertThrows(AgeException.class, () -> decrypt(file, List.of(X1)));
        assertTrue(e.kind() == AgeException.Kind.HMAC || e.kind() == AgeException.Kind.HEADER, e.kind() + " " + e.getMessage());
    }

    @Test
    void addedStanzaIsHmacFailure() throws IOException {
        byte[] file = encrypt(random(10, 1), List.of(X1.recipient()));
        String s = new String(file, StandardCharsets.ISO_8859_1);
        byte[] altered = s.replaceFirst("\n---", "\n-> grease\n\n---").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(AgeException.Kind.HMAC, assertThrows(AgeException.class, () -> decrypt(altered, List.of(X1))).kind());
    }

    @Test
    void corruptedChunkReleasesOnlyTheChunksBeforeIt() throws IOException {
        byte[] plain = random(3 * CHUNK + 10, 3);
        byte[] file = encrypt(plain, List.of(X1.recipient()));
        int payload = headerLength(file) + 16;
        file[payload + (CHUNK + 16) + 5] ^= 1; // second chunk
        Partial p = decryptPartially(file, List.of(X1));
        assertEquals(AgeException.Kind.PAYLOAD, p.failure().kind());
        assertArrayEquals(Arrays.copyOf(plain, CHUNK), p.released());
    }

    @Test
    void truncationIsDetectedAtEveryCut() throws IOException {
        byte[] plain = random(2 * CHUNK + 10, 4);
        byte[] file = encrypt(plain, List.of(X1.recipient()));
        int payload = headerLength(file) + 16;
        int[] cuts = {payload, payload + 1, payload + CHUNK + 16, payload + CHUNK + 17, payload + 2 * (CHUNK + 16),
                file.length - 1};
        for (int cut : cuts) {
            Partial p = decryptPartially(Arrays.copyOf(file, cut), List.of(X1));
            assertEquals(AgeException.Kind.PAYLOAD, p.failure() == null ? null : p.failure().kind(), "cut at " + cut);
            assertEquals(0, p.released().length % CHUNK, "only whole verified chunks are released");
            assertArrayEquals(Arrays.copyOf(plain, p.released().length), p.released());
        }
        // A cut inside the payload nonce is a header failure, as the test vectors have it.
        AgeException e = assertThrows(AgeException.class, () -> decrypt(Arrays.copyOf(file, payload - 1), List.of(X1)));
        assertEquals(AgeException.Kind.HEADER, e.kind());
    }

    @Test
    void truncationAtAChunkBoundaryOfAFullFinalChunkIsDetected() throws IOException {
        byte[] plain = random(2 * CHUNK, 5);
        byte[] file = encrypt(plain, List.of(X1.recipient()));
        int payload = headerLength(file) + 16;
        Partial p = decryptPartially(Arrays.copyOf(file, payload + CHUNK + 16), List.of(X1));
        assertEquals(AgeException.Kind.PAYLOAD, p.failure().kind());
        assertArrayEquals(Arrays.copyOf(plain, CHUNK), p.released());
    }

    @Test
    void trailingDataIsAPayloadFailureAfterThePlaintext() throws IOException {
        byte[] plain = random(CHUNK + 10, 6);
        byte[] file = encrypt(plain, List.of(X1.recipient()));
        byte[] extended = Arrays.copyOf(file, file.length + 1);
        Partial p = decryptPartially(extended, List.of(X1));
        assertEquals(AgeException.Kind.PAYLOAD, p.failure().kind());
        assertTrue(p.released().length <= plain.length);
        assertArrayEquals(Arrays.copyOf(plain, p.released().length), p.released());
    }

    @Test
    void unclosedStreamIsTruncated() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = AgeEncryptor.encrypt(sink, List.of(X1.recipient()));
        out.write(random(3 * CHUNK, 8));
        out.flush();
        Partial p = decryptPartially(sink.toByteArray(), List.of(X1));
        assertEquals(AgeException.Kind.PAYLOAD, p.failure().kind());
        assertEquals(2 * CHUNK, p.released().length);
    }

    @Test
    void decryptionReadsNothingPastTheEnd() throws IOException {
        byte[] plain = random(1000, 10);
        byte[] file = encrypt(plain, List.of(X1.recipient()));
        InputStream in = AgeDecryptor.decrypt(new ByteArrayInputStream(file), List.of(X1));
        byte[] out = new byte[plain.length];
        int off = 0;
        for (int n; off < out.length && (n = in.read(out, off, out.length - off)) > 0; ) {
            off += n;
        }
        assertArrayEquals(plain, out);
        assertEquals(-1, in.read());
        assertEquals(-1, in.read());
        in.close();
        assertThrows(IOException.class, in::read);
    }

    @Test
    void lowOrderRecipientsAreRejected() {
        String zero = Bech32.encode("age", new byte[32]);
        assertEquals(AgeException.Kind.KEY_FORMAT, assertThrows(AgeException.class, () -> Recipient.parse(zero)).kind());
    }

    @Test
    void identityToStringHidesTheSecret() {
        for (Identity id : List.<Identity>of(X1, PQ1)) {
            String secret = id.secretKeyString();
            String shown = id.toString();
            String data = secret.substring(secret.lastIndexOf('1') + 1);
            for (int i = 0; i + 8 <= data.length(); i++) {
                assertTrue(!shown.toUpperCase().contains(data.substring(i, i + 8)), shown);
            }
        }
    }
}
