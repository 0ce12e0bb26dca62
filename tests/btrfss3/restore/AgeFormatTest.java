package btrfss3.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.support.Scripts;
import btrfss3.testenv.TreeGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The age format: X25519 and post-quantum hybrid epochs, checked against the real age CLI. */
class AgeFormatTest extends BtrfsS3Test {
    @TempDir
    Path keysDir;
    Path x25519Identity;
    Path x25519Recipients;

    @BeforeEach
    void ageKeys() throws IOException {
        x25519Identity = keysDir.resolve("x25519.key");
        Exec.check(List.of("age-keygen", "-o", x25519Identity.toString()), null);
        byte[] recipient = Exec.check(List.of("age-keygen", "-y", x25519Identity.toString()), null);
        x25519Recipients = Files.write(keysDir.resolve("x25519.recipients"),
                ("# made by age-keygen\n\n" + new String(recipient).strip() + "\n").getBytes());
    }

    private Exec.Result ageBackup(String epoch, Path recipients, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("-r", recipients.toString(), "-p", "host", "-e", epoch,
                "-c", "STANDARD", "-s", source.toString()));
        args.addAll(List.of(extra));
        return scripts.backup(s3.backupOnly(), args.toArray(String[]::new));
    }

    private Exec.Result ageRestore(String epoch, Path identity) throws IOException {
        return scripts.restore(s3.readOnly(), "-i", identity.toString(), "-p", "host", "-e", epoch, "-s", target.toString());
    }

    @Test
    void anX25519EpochIsWhatTheAgeCliReadsAndRestores() throws IOException {
        TreeGenerator.generate(source, 201, 6L << 20, 1L << 20);
        assertEquals(0, ageBackup("e", x25519Recipients, "-S", "512K").exit());
        nextSecond();
        TreeGenerator.mutate(source, 202);
        Exec.Result second = ageBackup("e", x25519Recipients, "-S", "512K");
        assertEquals(0, second.exit(), second.all());

        // The real age and lz4 read every backup and btrfs receive accepts it.
        List<Path> local = snapshots("e");
        var bySeq = objectsBySequence("host/e/");
        Path oracle = targetFs.mountPoint().resolve("oracle");
        Files.createDirectory(oracle);
        int i = 0;
        for (var entry : bySeq.entrySet()) {
            List<S3Object> objects = entry.getValue();
            S3Object marker = objects.stream().filter(o -> o.key().endsWith("/snapshot_info.dat")).findFirst().orElseThrow();
            assertEquals("STANDARD", marker.storageClassAsString());
            String info = new String(Exec.check(List.of("age", "-d", "-i", x25519Identity.toString()),
                    admin.getObjectAsBytes(b -> b.bucket(bucket).key(marker.key())).asByteArray()));
            assertTrue(info.contains("UUID:"), info);
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            for (S3Object chunk : objects.stream().filter(o -> o.key().matches(".*/x[a-z]+")).toList()) {
                compressed.write(Exec.check(List.of("age", "-d", "-i", x25519Identity.toString()),
                        admin.getObjectAsBytes(b -> b.bucket(bucket).key(chunk.key())).asByteArray()));
            }
            byte[] stream = Exec.check(List.of("lz4", "-d", "-c"), compressed.toByteArray());
            Exec.Result received = Exec.run(List.of("btrfs", "receive", oracle.toString()), stream);
            assertEquals(0, received.exit(), received.stderr());
            assertSameTree(local.get(i), oracle.resolve(local.get(i).getFileName().toString()));
            i++;
        }

        Exec.Result r = ageRestore("e", x25519Identity);
        assertEquals(0, r.exit(), r.all());
        for (Path snapshot : local) {
            assertSameTree(snapshot, target.resolve(snapshot.getFileName().toString()));
        }
    }

    @Test
    void aPostQuantumEpochRoundTripsWithKeysFromKeygen() throws IOException {
        Path identity = keysDir.resolve("pq.key");
        Exec.Result gen = Exec.run(Scripts.javaCommand("keygen"), null);
        assertEquals(1, gen.exit(), "no arguments: usage");
        List<String> cmd = new ArrayList<>(Scripts.javaCommand("keygen"));
        cmd.addAll(List.of("-o", identity.toString()));
        gen = Exec.run(cmd, null);
        assertEquals(0, gen.exit(), gen.all());
        String recipient = gen.out().strip();
        assertTrue(recipient.startsWith("age1pq1"), recipient);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(identity)));
        assertTrue(Files.readString(identity).contains("AGE-SECRET-KEY-PQ-1"));
        assertEquals(1, Exec.run(cmd, null).exit(), "an identity file is never overwritten");
        Path recipients = Files.writeString(keysDir.resolve("pq.recipients"), recipient + "\n");

        TreeGenerator.generate(source, 211, 4L << 20, 1L << 20);
        assertEquals(0, ageBackup("pq", recipients).exit());
        nextSecond();
        TreeGenerator.mutate(source, 212);
        assertEquals(0, ageBackup("pq", recipients).exit());
        Exec.Result r = ageRestore("pq", identity);
        assertEquals(0, r.exit(), r.all());
        for (Path snapshot : snapshots("pq")) {
            assertSameTree(snapshot, target.resolve(snapshot.getFileName().toString()));
        }
        Exec.Result wrongIdentity = ageRestore("pq", x25519Identity);
        assertEquals(1, wrongIdentity.exit(), wrongIdentity.all());
        assertEquals(1, wrongIdentity.stderr().lines().count(), wrongIdentity.stderr());
        assertTrue(wrongIdentity.stderr().contains("not encrypted to this identity"), wrongIdentity.stderr());
    }

    @Test
    void anEpochKeepsItsFormatAndKeysAndTheWrongKindOfKeyIsExitOne() throws IOException {
        TreeGenerator.generate(source, 221, 1L << 20, 1L << 20);
        assertEquals(0, ageBackup("e", x25519Recipients).exit());
        nextSecond();
        Exec.Result rsa = backupAllowingFailure("e");
        assertEquals(1, rsa.exit(), rsa.all());
        assertTrue(rsa.stderr().contains("started in the age format"), rsa.stderr());
        Path other = keysDir.resolve("other.key");
        Exec.check(List.of("age-keygen", "-o", other.toString()), null);
        Path otherRecipients = Files.write(keysDir.resolve("other.recipients"), Exec.check(List.of("age-keygen", "-y", other.toString()), null));
        Exec.Result otherKey = ageBackup("e", otherRecipients);
        assertEquals(1, otherKey.exit(), otherKey.all());
        assertTrue(otherKey.stderr().contains("with other keys"), otherKey.stderr());
        assertEquals(0, backupAllowingFailure("e-rsa", "-B", "e").exit(), "a new epoch may change format");

        Exec.Result wrongKind = restore("e");
        assertEquals(1, wrongKind.exit(), wrongKind.all());
        assertTrue(wrongKind.stderr().contains("is in the age format: read it with -i"), wrongKind.stderr());
        Exec.Result both = scripts.restore(s3.readOnly(), "-i", x25519Identity.toString(), "-k", keys.privateKey.toString(),
                "-p", "host", "-e", "e", "-s", target.toString());
        assertEquals(0, both.exit(), both.all());
        Exec.Result branch = restore("e-rsa");
        assertEquals(0, branch.exit(), branch.all());
    }

    /** A backup as the age-based original made it, by a shell pipeline of the real tools. */
    @Test
    void aBackupMadeByTheAgePipelineRestores() throws IOException {
        TreeGenerator.generate(source, 231, 3L << 20, 1L << 20);
        Path dir = Files.createDirectories(source.resolve(".stream_backup_old"));
        Path snap = dir.resolve("1700000000");
        Exec.check(List.of("btrfs", "subvolume", "snapshot", "-r", source.toString(), snap.toString()), null);
        Path out = Files.createDirectory(keysDir.resolve("out"));
        Exec.Result r = Exec.run(List.of("bash", "-c", """
                set -euo pipefail
                btrfs send -q "$SNAP" | lz4 -q | split -b 300K --suffix-length 4 --filter 'age -R "$REC" > "$OUT/$FILE"'
                btrfs subvolume show "$SNAP" | age -R "$REC" > "$OUT/snapshot_info.dat"
                """), null, java.util.Map.of("SNAP", snap.toString(), "REC", x25519Recipients.toString(), "OUT", out.toString()), null);
        assertEquals(0, r.exit(), r.stderr());
        try (var files = Files.list(out)) {
            for (Path f : files.toList()) {
                admin.putObject(b -> b.bucket(bucket).key("host/old/1700000000_0123456789abcdef/" + f.getFileName()),
                        RequestBody.fromFile(f));
            }
        }
        Exec.Result restored = ageRestore("old", x25519Identity);
        assertEquals(0, restored.exit(), restored.all());
        assertSameTree(snap, target.resolve("1700000000"));
    }
}
