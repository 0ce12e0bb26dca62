package btrfss3.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.Exec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up runs beside real work: it must leave the ciphers the pipeline uses untouched (it
 * shares the JDK's providers with them), end by itself, and never keep a finished run alive.
 */
class IntrinsicWarmupTest {
    @TempDir
    Path dir;

    @Test
    void chunksEncryptedAndDecryptedDuringTheWarmupStillMatchOpenssl() throws Exception {
        Thread warmup = IntrinsicWarmup.start(
                EnumSet.of(IntrinsicWarmup.Path.AES_CBC_ENCRYPT, IntrinsicWarmup.Path.AES_CBC_DECRYPT));
        assertTrue(warmup.isDaemon(), "a warm-up still running must not keep the JVM from exiting");

        byte[] plain = new byte[3_000_017];
        new Random(7).nextBytes(plain);
        OpensslPassword password = OpensslPassword.generate();
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream enc = new OpensslEncryptStream(stored, password)) {
            for (int off = 0; off < plain.length; off += 100_003) {
                enc.write(plain, off, Math.min(100_003, plain.length - off));
            }
        }
        Path key = Files.write(dir.resolve("key"), password.bytes());
        assertArrayEquals(plain, Exec.check(List.of("openssl", "enc", "-d", "-aes-256-cbc", "-md", "sha512", "-pbkdf2",
                "-pass", "file:" + key), stored.toByteArray()), "openssl decrypts what was written meanwhile");

        byte[] fromOpenssl = Exec.check(List.of("openssl", "enc", "-aes-256-cbc", "-salt", "-md", "sha512", "-pbkdf2",
                "-pass", "file:" + key), plain);
        try (var dec = new OpensslDecryptStream(new ByteArrayInputStream(fromOpenssl), password)) {
            assertArrayEquals(plain, dec.readAllBytes(), "what openssl wrote decrypts meanwhile");
        }

        warmup.join(Duration.ofMinutes(2).toMillis());
        assertFalse(warmup.isAlive(), "the warm-up ends by itself");
    }
}
