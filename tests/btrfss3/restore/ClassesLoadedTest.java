package btrfss3.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.testenv.TreeGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bouncy Castle's and Conscrypt's jars are signed: the first class loaded from them costs a check
 * of the signature (0.1 s or more) and none of their classes can be kept in the class-data archive.
 * The usual keys of both formats (RSA in PEM, X25519 age keys) must therefore never load Bouncy
 * Castle, and only an age stream long enough to earn it back may load Conscrypt (BoringSSL's
 * ChaCha20-Poly1305, see age/BoringSsl).
 */
class ClassesLoadedTest extends BtrfsS3Test {
    @TempDir
    Path logs;

    @Test
    void theOpensslFormatWithAnRsaKeyLoadsNoBouncyCastle() throws IOException {
        TreeGenerator.generate(source, 301, 2L << 20, 512L << 10);
        Run run = roundTrip(List.of("-k", keys.publicKey.toString()), List.of("-k", keys.privateKey.toString()));
        assertLoadsNone(run.backupLog, "org.conscrypt.");
        assertLoadsNone(run.restoreLog, "org.conscrypt.");
    }

    @Test
    void theAgeFormatWithX25519KeysLoadsNoBouncyCastle() throws IOException {
        TreeGenerator.generate(source, 302, 2L << 20, 512L << 10);
        Run run = ageRoundTrip();
        assertLoadsNone(run.backupLog, "org.conscrypt.");
        assertLoadsNone(run.restoreLog, "org.conscrypt.");
    }

    @Test
    void aLongAgeStreamMovesToBoringSslOnTheWayOutAndBackAndRestoresTheSameTree() throws IOException {
        // Random bytes do not compress: the age stream is as long as the file, four times the
        // 64 MiB after which a process loads BoringSSL, so it has long loaded (0.2 s) before the
        // stream ends.
        writeRandom(source.resolve("random.bin"), 256L << 20, 303);
        TreeGenerator.generate(source, 303, 1L << 20, 256L << 10);
        Run run = ageRoundTrip();
        assertLoads(run.backupLog, "org.conscrypt.");
        assertLoads(run.restoreLog, "org.conscrypt.");
    }

    private record Run(Path backupLog, Path restoreLog) {}

    /** A round trip with X25519 keys from the age command line tools. */
    private Run ageRoundTrip() throws IOException {
        Path identity = logs.resolve("x25519.key");
        Exec.check(List.of("age-keygen", "-o", identity.toString()), null);
        Path recipients = Files.write(logs.resolve("x25519.recipients"),
                Exec.check(List.of("age-keygen", "-y", identity.toString()), null));
        return roundTrip(List.of("-r", recipients.toString()), List.of("-i", identity.toString()));
    }

    private Run roundTrip(List<String> backupKey, List<String> restoreKey) throws IOException {
        Path backupLog = logs.resolve("backup.classes");
        Path restoreLog = logs.resolve("restore.classes");
        Exec.Result b = scripts.runLoggingClasses("backup", s3.backupOnly(), backupLog,
                args(backupKey, "-p", "host", "-e", "e", "-c", "STANDARD", "-s", source.toString()));
        assertEquals(0, b.exit(), b.all());
        Exec.Result r = scripts.runLoggingClasses("restore", s3.readOnly(), restoreLog,
                args(restoreKey, "-p", "host", "-e", "e", "-s", target.toString()));
        assertEquals(0, r.exit(), r.all());
        assertSameTree(snapshots("e").get(0), target.resolve(snapshots("e").get(0).getFileName().toString()));
        assertLoadsNoBouncyCastle(backupLog, "btrfss3.backup.Backup ");
        assertLoadsNoBouncyCastle(restoreLog, "btrfss3.restore.Restore ");
        return new Run(backupLog, restoreLog);
    }

    private static void assertLoadsNoBouncyCastle(Path log, String expectedClass) throws IOException {
        String classes = Files.readString(log);
        assertTrue(classes.contains(expectedClass), "the log lists the classes loaded: " + log);
        List<String> bc = classes.lines().filter(l -> l.contains("org.bouncycastle.")).limit(5).toList();
        assertTrue(bc.isEmpty(), "loaded from Bouncy Castle: " + bc);
    }

    private static void assertLoads(Path log, String packagePrefix) throws IOException {
        assertTrue(Files.readString(log).contains(" " + packagePrefix), "no " + packagePrefix + " class loaded: " + log);
    }

    private static void assertLoadsNone(Path log, String packagePrefix) throws IOException {
        List<String> found = Files.readString(log).lines().filter(l -> l.contains(" " + packagePrefix)).limit(5).toList();
        assertTrue(found.isEmpty(), "a short run loaded " + found);
    }

    private static void writeRandom(Path file, long bytes, long seed) throws IOException {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (long done = 0; done < bytes; done += block.length) {
                rnd.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, bytes - done));
            }
        }
    }

    private static String[] args(List<String> key, String... rest) {
        return java.util.stream.Stream.concat(key.stream(), java.util.Arrays.stream(rest)).toArray(String[]::new);
    }
}
