package btrfss3.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.Exec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The openssl chunk format, checked against the real openssl command line in both directions. */
class OpensslCompatTest {
    @TempDir
    Path dir;

    private static byte[] data(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] encrypt(byte[] plain, OpensslPassword password) throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream enc = new OpensslEncryptStream(stored, password)) {
            // Uneven writes, as the splitter makes them.
            int off = 0;
            int step = 1;
            while (off < plain.length) {
                int n = Math.min(step, plain.length - off);
                enc.write(plain, off, n);
                off += n;
                step = step * 3 + 1;
            }
        }
        return stored.toByteArray();
    }

    private static byte[] decrypt(byte[] stored, OpensslPassword password) throws IOException {
        try (var in = new OpensslDecryptStream(new ByteArrayInputStream(stored), password)) {
            return in.readAllBytes();
        }
    }

    private byte[] opensslDecrypt(byte[] stored, byte[] keyFile) throws IOException {
        Path key = Files.write(dir.resolve("key"), keyFile);
        return Exec.check(List.of("openssl", "enc", "-d", "-aes-256-cbc", "-md", "sha512", "-pbkdf2",
                "-pass", "file:" + key), stored);
    }

    private Exec.Result opensslEncrypt(byte[] plain, byte[] keyFile) throws IOException {
        Path key = Files.write(dir.resolve("key"), keyFile);
        return Exec.run(List.of("openssl", "enc", "-aes-256-cbc", "-salt", "-md", "sha512", "-pbkdf2",
                "-pass", "file:" + key), plain);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 65536, 65537, 3_000_001})
    void opensslDecryptsWhatWeWrite(int size) throws IOException {
        byte[] plain = data(size, size);
        OpensslPassword password = OpensslPassword.generate();
        byte[] stored = encrypt(plain, password);
        assertEquals("Salted__", new String(stored, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(16 + (size / 16 + 1) * 16, stored.length, "header + PKCS#7-padded length");
        assertArrayEquals(plain, opensslDecrypt(stored, password.keyFileContents()));
    }

    /** Small reads go through the stream's buffer, large ones are decrypted into the caller's array: both whole. */
    @ParameterizedTest
    @ValueSource(ints = {1, 1000, 65_535, 65_567, 65_568, 65_569, 1 << 20})
    void readsOfAnySizeGiveThePlaintextBack(int readSize) throws IOException {
        byte[] plain = data(3_000_001, readSize);
        OpensslPassword password = OpensslPassword.generate();
        byte[] stored = encrypt(plain, password);
        // A source that hands out uneven pieces, as the range prefetcher does at range ends.
        java.io.InputStream source = new java.io.FilterInputStream(new ByteArrayInputStream(stored)) {
            private int calls;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1 + (calls++ * 7919) % 70_000));
            }
        };
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (var in = new OpensslDecryptStream(source, password)) {
            byte[] buf = new byte[readSize + 3];
            int i = 0;
            for (int n; (n = in.read(buf, 3, i++ % 3 == 2 ? Math.max(1, readSize / 2) : readSize)) >= 0; ) {
                got.write(buf, 3, n);
            }
        }
        assertArrayEquals(plain, got.toByteArray());
    }

    @Test
    void theKeyDerivationIsBouncyCastlesPbkdf2() {
        Random r = new Random(11);
        for (int length : new int[] {0, 1, 32, 64, 127, 128, 129, 300}) {
            byte[] password = new byte[length];
            r.nextBytes(password);
            byte[] salt = new byte[8];
            r.nextBytes(salt);
            var generator = new org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator(
                    new org.bouncycastle.crypto.digests.SHA512Digest());
            generator.init(password, salt, OpensslKdf.ITERATIONS);
            byte[] expected = ((org.bouncycastle.crypto.params.KeyParameter) generator.generateDerivedParameters(48 * 8)).getKey();
            assertArrayEquals(expected, OpensslKdf.keyAndIv(password, salt), "password of " + length + " bytes");
        }
    }

    @Test
    void generatedPasswordsAre64HexCharactersThatOpensslReadsWhole() {
        for (int i = 0; i < 200; i++) {
            byte[] pw = OpensslPassword.generate().keyFileContents();
            assertEquals(64, pw.length);
            assertTrue(new String(pw, java.nio.charset.StandardCharsets.US_ASCII).matches("[0-9a-f]{64}"));
        }
    }

    /** The original wrote 32 raw random bytes; openssl cut them at the first newline or NUL. */
    @ParameterizedTest
    @ValueSource(strings = {"plain", "newline-inside", "nul-inside", "nul-then-newline", "newline-then-nul", "starts-with-newline"})
    void weReadWhatOpensslWroteWithRawSessionKeys(String shape) throws Exception {
        byte[] key = data(32, shape.hashCode());
        for (int i = 0; i < key.length; i++) {
            if (key[i] == 0 || key[i] == '\n') {
                key[i] = 'x';
            }
        }
        switch (shape) {
            case "newline-inside" -> key[9] = '\n';
            case "nul-inside" -> key[5] = 0;
            case "nul-then-newline" -> { key[3] = 0; key[20] = '\n'; }
            case "newline-then-nul" -> { key[20] = 0; key[3] = '\n'; }
            case "starts-with-newline" -> key[0] = '\n';
            default -> { }
        }
        byte[] plain = data(100_000, 7);
        Exec.Result r = opensslEncrypt(plain, key);
        assertEquals(0, r.exit(), r.stderr());
        OpensslPassword password = OpensslPassword.fromKeyFileContents(key);
        assertArrayEquals(plain, decrypt(r.stdout(), password));
    }

    @Test
    void aKeyStartingWithNulIsRefusedByOpensslAndRecognisedByUs() throws IOException {
        byte[] key = data(32, 3);
        key[0] = 0;
        Exec.Result r = opensslEncrypt(data(1000, 1), key);
        assertNotEquals(0, r.exit(), "openssl refuses a password file starting with NUL");
        assertEquals(0, r.stdout().length, "and writes nothing: the original then uploaded empty chunks");
        var e = assertThrows(OpensslPassword.UnusablePasswordException.class, () -> OpensslPassword.fromKeyFileContents(key));
        assertTrue(e.getMessage().contains("NUL"));
        assertThrows(OpensslDecryptStream.EmptyChunkException.class,
                () -> new OpensslDecryptStream(new ByteArrayInputStream(new byte[0]), OpensslPassword.generate()));
    }

    @Test
    void aWrongPasswordOrADamagedChunkFailsLoudly() throws IOException {
        byte[] plain = data(50_000, 9);
        OpensslPassword password = OpensslPassword.generate();
        byte[] stored = encrypt(plain, password);
        assertThrows(IOException.class, () -> decrypt(stored, OpensslPassword.generate()));
        byte[] truncated = java.util.Arrays.copyOf(stored, stored.length - 5);
        assertThrows(IOException.class, () -> decrypt(truncated, password));
        byte[] notOpenssl = data(100, 1);
        assertThrows(IOException.class, () -> decrypt(notOpenssl, password));
    }
}
