package btrfss3.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.support.Scripts;
import btrfss3.testenv.TreeGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every stage can fail for real; each failure leaves nothing behind: no marker, no snapshot,
 * and the next run works.
 */
class BackupFailureTest extends BtrfsS3Test {

    /** After a failure: only the backups that were there before, no open upload, nothing in .incomplete/. */
    private void assertNothingKept(String epoch, int backupsBefore) throws IOException {
        assertEquals(backupsBefore, snapshots(epoch).size(), "no new snapshot");
        Path incomplete = source.resolve(".stream_backup_" + epoch + "/.incomplete");
        if (Files.isDirectory(incomplete)) {
            try (var s = Files.list(incomplete)) {
                assertEquals(List.of(), s.filter(p -> p.getFileName().toString().matches("\\d+")).toList(),
                        "no tombstone of an unfinished snapshot left");
            }
        }
        assertEquals(backupsBefore, objects("host/" + epoch + "/").stream().filter(o -> o.key().endsWith("/btrfs_sess_key_enc.dat")).count(),
                "no new marker");
        assertEquals(List.of(), admin.listMultipartUploads(b -> b.bucket(bucket)).uploads(), "no open multipart upload");
    }

    @Test
    void aFailingSendIsExitTwoWithBtrfsOwnErrorAndNothingKept() throws IOException {
        TreeGenerator.generate(source, 1, 2L << 20, 1L << 20);
        backup("e");
        Path parent = snapshots("e").get(0);
        // The kernel refuses to send from a parent that is not read-only.
        Exec.check(List.of("btrfs", "property", "set", "-ts", parent.toString(), "ro", "false"), null);
        nextSecond();
        Exec.Result r = backupAllowingFailure("e");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("btrfs send failed"), r.stderr());
        assertTrue(r.stderr().lines().count() <= 2 && !r.stderr().contains("\tat "), "one line, no stack trace: " + r.stderr());
        assertNothingKept("e", 1);
    }

    @Test
    void aFailingUploadIsExitTwoAndNothingIsKept() throws IOException {
        TreeGenerator.generate(source, 2, 2L << 20, 1L << 20);
        // Credentials that may not write: the server refuses the first upload with 403.
        Exec.Result r = scripts.backup(s3.readOnly(), "-k", keys.publicKey.toString(), "-p", "host", "-e", "e",
                "-c", "STANDARD", "-s", source.toString(), "-S", "256K");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("upload of host/e/"), r.stderr());
        assertTrue(r.stderr().contains("403"), r.stderr());
        assertNothingKept("e", 0);
        assertEquals(List.of(), objects("host/e/"));
        assertEquals(0, backupAllowingFailure("e").exit(), "the next run works");
    }

    @Test
    void aMissingBucketSeenByListingCredentialsIsExitOneBeforeAnySnapshot() throws IOException {
        Exec.Result r = new Scripts(s3, "no-such-bucket-" + System.nanoTime()).backup(s3.admin(),
                "-k", keys.publicKey.toString(), "-p", "host", "-e", "e", "-c", "STANDARD", "-s", source.toString());
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.stderr().contains("does not exist"), r.stderr());
        assertEquals(List.of(), snapshots("e"));
    }

    @Test
    void badInputIsExitOneWithOneLine() throws IOException {
        Path notSubvolume = Files.createDirectories(source.resolve("plain-dir"));
        for (String[] args : List.of(
                new String[] {"-s", notSubvolume.toString()},
                new String[] {"-s", "/tmp"},
                new String[] {"--parallel", "64"},
                new String[] {"-S", "0"},
                new String[] {"-S", "-5"},
                new String[] {"-S", "lots"},
                new String[] {"-S", "6T"},
                new String[] {"-c", "FROZEN_SOLID"},
                new String[] {"-e", "a/b"},
                new String[] {"-p", "/lead"},
                new String[] {"-k", "/nonexistent.pem"})) {
            List<String> full = new java.util.ArrayList<>(List.of("-k", keys.publicKey.toString(), "-p", "host", "-e", "e",
                    "-c", "STANDARD", "-s", source.toString()));
            for (int i = 0; i < args.length; i += 2) {
                int at = full.indexOf(args[i]);
                if (at < 0) {
                    full.addAll(List.of(args[i], args[i + 1]));
                } else {
                    full.set(at + 1, args[i + 1]);
                }
            }
            Exec.Result r = scripts.backup(s3.backupOnly(), full.toArray(String[]::new));
            assertEquals(1, r.exit(), String.join(" ", args) + ": " + r.all());
            assertEquals(1, r.stderr().lines().count(), String.join(" ", args) + ": " + r.stderr());
            assertTrue(r.stderr().startsWith("ERROR: "), r.stderr());
        }
        assertEquals(List.of(), objects("host/"));
    }
}
