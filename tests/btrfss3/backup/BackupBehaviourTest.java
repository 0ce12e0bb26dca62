package btrfss3.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.support.Scripts;
import btrfss3.testenv.TreeGenerator;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local chain state and the command line, on real btrfs with the harness's S3 server. */
class BackupBehaviourTest extends BtrfsS3Test {

    @Test
    void anIncrementIsSentFromTheNewestSnapshotOfItsEpochAndDashDDeletesIt() throws IOException {
        TreeGenerator.generate(source, 1, 8L << 20, 1L << 20);
        backup("e");
        long fullBytes = storedBytes("host/e/");
        nextSecond();
        Files.writeString(source.resolve("small-change.txt"), "hello");
        backup("e", "-d");
        long incrementBytes = storedBytes("host/e/") - fullBytes;
        assertTrue(incrementBytes < fullBytes / 10, "an increment carries only the change: " + incrementBytes + " vs " + fullBytes);
        assertEquals(1, snapshots("e").size(), "-d removed the parent");
    }

    private long storedBytes(String prefix) {
        return objects(prefix).stream().mapToLong(o -> o.size()).sum();
    }

    @Test
    void whenThePreviousSnapshotCannotBeDeletedTheBackupIsKeptAndTheExitCodeIsFour() throws IOException {
        TreeGenerator.generate(source, 7, 1L << 20, 1L << 20);
        backup("e");
        Path parent = snapshots("e").get(0);
        // The kernel refuses to delete a filesystem's default subvolume.
        Exec.check(List.of("btrfs", "subvolume", "set-default", parent.toString()), null);
        try {
            nextSecond();
            Exec.Result r = backupAllowingFailure("e", "-d");
            assertEquals(4, r.exit(), r.all());
            assertTrue(r.stderr().contains("the backup is stored, but the previous snapshot could not be deleted"), r.stderr());
        } finally {
            Exec.check(List.of("btrfs", "subvolume", "set-default", "5", sourceFs.mountPoint().toString()), null);
        }
        assertEquals(2, snapshots("e").size(), "the new snapshot stays, and so does the one that could not go");
        assertEquals(2, objects("host/e/").stream().filter(o -> o.key().endsWith("/btrfs_sess_key_enc.dat")).count());
        nextSecond();
        assertEquals(0, backupAllowingFailure("e").exit(), "the chain goes on from the new snapshot");
    }

    @Test
    void anUnfinishedSnapshotIsDeletedWithAWarningAndNeverUsedAsParent() throws IOException {
        TreeGenerator.generate(source, 2, 2L << 20, 1L << 20);
        backup("e");
        // What a run killed during its upload leaves: a snapshot and its tombstone.
        long seq = Long.parseLong(snapshots("e").get(0).getFileName().toString()) + 1;
        Path orphan = source.resolve(".stream_backup_e/" + seq);
        Exec.check(List.of("btrfs", "subvolume", "snapshot", "-r", source.toString(), orphan.toString()), null);
        Files.createFile(source.resolve(".stream_backup_e/.incomplete/" + seq));
        // A run in that same second would rightly take the orphan's number for its own snapshot.
        while (System.currentTimeMillis() / 1000 <= seq) {
            nextSecond();
        }
        Exec.Result r = backup("e");
        assertTrue(r.stderr().contains("WARNING: deleting " + orphan), r.stderr());
        assertFalse(Files.exists(orphan));
        assertFalse(Files.exists(source.resolve(".stream_backup_e/.incomplete/" + seq)));
        assertEquals(2, snapshots("e").size());
        // Its increment was sent from the first snapshot, not from the orphan: the chain restores.
        Exec.Result restored = restore("e");
        assertEquals(0, restored.exit(), restored.all());
    }

    @Test
    void aSeqNotAfterTheNewestSnapshotIsRefusedAndNothingIsUploaded() throws IOException {
        TreeGenerator.generate(source, 3, 1L << 20, 1L << 20);
        Path future = source.resolve(".stream_backup_e/99999999999");
        Files.createDirectories(future.getParent());
        Exec.check(List.of("btrfs", "subvolume", "snapshot", "-r", source.toString(), future.toString()), null);
        Exec.Result r = backupAllowingFailure("e");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.stderr().contains("clock went backwards"), r.stderr());
        assertEquals(List.of(), objects("host/"));
    }

    @Test
    void aBranchWithoutAnySnapshotIsRefused() throws IOException {
        Exec.Result r = backupAllowingFailure("monthly", "-B", "daily");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.stderr().startsWith("ERROR: neither epoch monthly nor the branch epoch daily"), r.stderr());
    }

    @Test
    void twoRunsOnOneSubvolumeAreRefused() throws IOException {
        String uuid = Exec.run(List.of("btrfs", "subvolume", "show", source.toString()), null).out()
                .lines().filter(l -> l.strip().startsWith("UUID:")).findFirst().orElseThrow().split(":")[1].strip();
        Path lockFile = Path.of("/run/lock/btrfs-send-to-s3/" + uuid + ".lock");
        Files.createDirectories(lockFile.getParent());
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             var lock = ch.lock()) {
            Exec.Result r = backupAllowingFailure("e");
            assertEquals(1, r.exit(), r.all());
            assertTrue(r.stderr().contains("another backup of " + source + " is running"), r.stderr());
        }
        assertEquals(0, backupAllowingFailure("e").exit(), "the lock is gone with its holder");
    }

    @Test
    void adminCredentialsGetTheSecurityWarningAndTheBackupStillRuns() throws IOException {
        Exec.Result r = scripts.backup(s3.admin(), "-k", keys.publicKey.toString(), "-p", "host", "-e", "e",
                "-c", "STANDARD", "-s", source.toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.stderr().contains("SECURITY WARNING"), r.stderr());
    }

    @Test
    void nestedSubvolumesAreNamedInAWarningButOurSnapshotsAreNot() throws IOException {
        Exec.check(List.of("btrfs", "subvolume", "create", source.resolve("nested").toString()), null);
        backup("e");
        nextSecond();
        Exec.Result r = backup("e");
        assertTrue(r.stderr().contains("WARNING: these nested subvolumes are not part of the backup"), r.stderr());
        assertTrue(r.stderr().contains("nested"), r.stderr());
        assertFalse(r.stderr().contains(".stream_backup_"), r.stderr());
    }

    @Test
    void aSubvolumeMountedWithSubvolAndTheTopLevelBothBackUpAndRestore() throws IOException {
        TreeGenerator.generate(source, 5, 2L << 20, 1L << 20);
        Path mnt = Files.createTempDirectory("subvol-mount");
        String device = Exec.run(List.of("findmnt", "-n", "-o", "SOURCE", sourceFs.mountPoint().toString()), null).out().strip();
        Exec.check(List.of("mount", "-o", "subvol=data", device.replaceAll("\\[.*\\]$", ""), mnt.toString()), null);
        try {
            Exec.Result r = scripts.backup(s3.backupOnly(), "-k", keys.publicKey.toString(), "-p", "host", "-e", "mounted",
                    "-c", "STANDARD", "-s", mnt.toString());
            assertEquals(0, r.exit(), r.all());
            nextSecond();
            Files.writeString(mnt.resolve("more"), "x");
            r = scripts.backup(s3.backupOnly(), "-k", keys.publicKey.toString(), "-p", "host", "-e", "mounted",
                    "-c", "STANDARD", "-s", mnt.toString());
            assertEquals(0, r.exit(), r.all());
        } finally {
            Exec.run(List.of("umount", mnt.toString()), null);
            Files.deleteIfExists(mnt);
        }
        Path top = sourceFs.mountPoint();
        Exec.Result r = scripts.backup(s3.backupOnly(), "-k", keys.publicKey.toString(), "-p", "host", "-e", "top",
                "-c", "STANDARD", "-s", top.toString());
        assertEquals(0, r.exit(), r.all());

        Exec.Result restored = restore("mounted");
        assertEquals(0, restored.exit(), restored.all());
        for (Path snapshot : snapshots("mounted")) {
            assertSameTree(snapshot, target.resolve(snapshot.getFileName().toString()));
        }
        Exec.Result topRestored = restore("top");
        assertEquals(0, topRestored.exit(), topRestored.all());
    }

    @Test
    void usageErrorsExitOneAndNameTheProblem() throws IOException {
        Exec.Result none = Exec.run(Scripts.javaCommand("backup"), null);
        assertEquals(1, none.exit());
        assertTrue(none.stderr().contains("Usage: backup"), none.stderr());

        Exec.Result unknown = Exec.run(cmd("backup", "--frobnicate"), null);
        assertEquals(1, unknown.exit());
        assertTrue(unknown.stderr().contains("--frobnicate"), unknown.stderr());
        assertFalse(unknown.stderr().contains("\tat "), "no stack trace");

        Exec.Result missingArgument = Exec.run(cmd("backup", "-k"), null);
        assertEquals(1, missingArgument.exit());
        assertTrue(missingArgument.stderr().contains("-k"), missingArgument.stderr());

        Exec.Result restoreNone = Exec.run(Scripts.javaCommand("restore"), null);
        assertEquals(1, restoreNone.exit());
        assertTrue(restoreNone.stderr().contains("Usage: restore"), restoreNone.stderr());
    }

    private static List<String> cmd(String script, String... args) {
        List<String> c = new ArrayList<>(Scripts.javaCommand(script));
        c.addAll(List.of(args));
        return c;
    }

    @Test
    void notRootExitsOneAndMissingBtrfsExitsThree() throws IOException {
        List<String> full = scripts.command("backup", "-k", keys.publicKey.toString(), "-p", "host", "-e", "e",
                "-c", "STANDARD", "-s", source.toString());
        // Read access to the class path under /root is all the unprivileged user keeps.
        List<String> asNobody = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"));
        asNobody.addAll(full);
        Exec.Result r = Exec.run(asNobody, null, scripts.env(s3.backupOnly()), Path.of("/"));
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.stderr().contains("root"), r.stderr());

        Path emptyBin = Files.createTempDirectory("no-btrfs");
        try {
            var env = new java.util.HashMap<>(scripts.env(s3.backupOnly()));
            env.put("PATH", emptyBin.toString());
            Exec.Result missing = Exec.run(full, null, env, null);
            assertEquals(3, missing.exit(), missing.all());
            assertTrue(missing.stderr().contains("btrfs"), missing.stderr());
        } finally {
            Files.delete(emptyBin);
        }
        assertEquals(List.of(), objects("host/"));
    }
}
