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
 * Bouncy Castle's jars are signed: the first class loaded from them costs a check of the
 * signature (about 0.1 s) and none of their classes can be kept in the class-data archive. The
 * usual keys of both formats (RSA in PEM, X25519 age keys) must therefore never load it.
 */
class ClassesLoadedTest extends BtrfsS3Test {
    @TempDir
    Path logs;

    @Test
    void theOpensslFormatWithAnRsaKeyLoadsNoBouncyCastle() throws IOException {
        TreeGenerator.generate(source, 301, 2L << 20, 512L << 10);
        roundTrip(List.of("-k", keys.publicKey.toString()), List.of("-k", keys.privateKey.toString()));
    }

    @Test
    void theAgeFormatWithX25519KeysLoadsNoBouncyCastle() throws IOException {
        Path identity = logs.resolve("x25519.key");
        Exec.check(List.of("age-keygen", "-o", identity.toString()), null);
        Path recipients = Files.write(logs.resolve("x25519.recipients"),
                Exec.check(List.of("age-keygen", "-y", identity.toString()), null));
        TreeGenerator.generate(source, 302, 2L << 20, 512L << 10);
        roundTrip(List.of("-r", recipients.toString()), List.of("-i", identity.toString()));
    }

    private void roundTrip(List<String> backupKey, List<String> restoreKey) throws IOException {
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
    }

    private static void assertLoadsNoBouncyCastle(Path log, String expectedClass) throws IOException {
        String classes = Files.readString(log);
        assertTrue(classes.contains(expectedClass), "the log lists the classes loaded: " + log);
        List<String> bc = classes.lines().filter(l -> l.contains("org.bouncycastle.")).limit(5).toList();
        assertTrue(bc.isEmpty(), "loaded from Bouncy Castle: " + bc);
    }

    private static String[] args(List<String> key, String... rest) {
        return java.util.stream.Stream.concat(key.stream(), java.util.Arrays.stream(rest)).toArray(String[]::new);
    }
}
