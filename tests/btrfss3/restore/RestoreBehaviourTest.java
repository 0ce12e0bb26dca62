package btrfss3.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.testenv.TreeGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

class RestoreBehaviourTest extends BtrfsS3Test {

    @Test
    void anEpochWithoutBackupsIsExitOne() throws IOException {
        Exec.Result r = restore("nothing-here");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.stderr().contains("no backup found"), r.stderr());
    }

    /** S3 lists 1000 keys a page: an epoch with more objects than that must be read to its end. */
    @Test
    void listingsOfManyPagesAreReadToTheEnd() throws IOException {
        TreeGenerator.generate(source, 85, 1L << 20, 1L << 20);
        backup("e");
        // An interrupted backup of the original tool that sorts first, with 1100 chunks and no marker.
        String junk = "host/e/1000000000_0000000000000000/";
        java.util.stream.IntStream.range(0, 1100).parallel().forEach(i ->
                admin.putObject(b -> b.bucket(bucket).key(junk + btrfss3.layout.ChunkNames.name(i)), RequestBody.fromString("x")));
        Exec.Result r = restore("e");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.stderr().contains(junk + " skipped"), r.stderr());
        Path snapshot = snapshots("e").get(0);
        assertSameTree(snapshot, target.resolve(snapshot.getFileName().toString()));
    }

    @Test
    void aFailedListingIsExitOne() throws IOException {
        Exec.Result r = new btrfss3.support.Scripts(s3, "no-such-bucket-" + System.nanoTime())
                .restore(s3.readOnly(), "-k", keys.privateKey.toString(), "-p", "host", "-e", "e", "-s", target.toString());
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.stderr().contains("could not list"), r.stderr());
    }

    @Test
    void aDamagedChunkStopsWithExitTwoKeepsTheLastGoodSnapshotAndRemovesThePartialOne() throws IOException {
        TreeGenerator.generate(source, 81, 3L << 20, 1L << 20);
        backup("e", "-S", "256K");
        nextSecond();
        TreeGenerator.mutate(source, 82);
        backup("e", "-S", "256K");
        List<Path> local = snapshots("e");
        // Replace the second backup's first chunk with one whose middle is flipped.
        String second = "host/e/" + local.get(1).getFileName() + "_";
        S3Object chunk = objects("host/e/").stream().filter(o -> o.key().startsWith(second) && o.key().endsWith("/xaaaa"))
                .findFirst().orElseThrow();
        byte[] bytes = admin.getObjectAsBytes(b -> b.bucket(bucket).key(chunk.key())).asByteArray();
        bytes[bytes.length / 2] ^= 0x01;
        admin.putObject(b -> b.bucket(bucket).key(chunk.key()), RequestBody.fromBytes(bytes));

        Exec.Result r = restore("e");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains(chunk.key().substring(0, chunk.key().lastIndexOf('/'))), r.stderr());
        Path good = target.resolve(local.get(0).getFileName().toString());
        assertTrue(r.out().contains("Last snapshot successfully restored in: " + good), r.out());
        assertSameTree(local.get(0), good);
        assertFalse(Files.exists(target.resolve(local.get(1).getFileName().toString())), "the partial receive is removed");
    }

    @Test
    void aWrongKeyIsExitOneInOneLine() throws IOException {
        backup("e");
        Path otherKey = Files.createTempFile("other", ".pem");
        try {
            Exec.check(List.of("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", otherKey.toString()), null);
            Exec.Result r = scripts.restore(s3.readOnly(), "-k", otherKey.toString(), "-p", "host", "-e", "e", "-s", target.toString());
            assertEquals(1, r.exit(), r.all());
            assertTrue(r.stderr().contains("does not decrypt with this RSA key"), r.stderr());
            assertTrue(r.stderr().contains("is it the key the backups were made for?"), r.stderr());
            assertEquals(1, r.stderr().lines().count(), r.stderr());
        } finally {
            Files.delete(otherKey);
        }
    }

    @Test
    void aPublicKeyOrAWrongPassphraseIsExitOne() throws IOException {
        backup("e");
        Exec.Result pub = scripts.restore(s3.readOnly(), "-k", keys.publicKey.toString(), "-p", "host", "-e", "e",
                "-s", target.toString());
        assertEquals(1, pub.exit(), pub.all());
        assertTrue(pub.stderr().contains("holds a public key"), pub.stderr());
        Path encrypted = Files.createTempFile("encrypted", ".pem");
        try {
            Exec.check(List.of("openssl", "pkey", "-in", keys.privateKey.toString(), "-aes256", "-passout", "pass:right",
                    "-out", encrypted.toString()), null);
            var env = new java.util.HashMap<>(scripts.env(s3.readOnly()));
            env.put("BTRFSS3_TEST_PASSPHRASE", "wrong");
            Exec.Result wrong = Exec.run(scripts.command("restore", "-k", encrypted.toString(), "--passphrase-env",
                    "BTRFSS3_TEST_PASSPHRASE", "-p", "host", "-e", "e", "-s", target.toString()), null, env, null);
            assertEquals(1, wrong.exit(), wrong.all());
            assertTrue(wrong.stderr().contains("wrong passphrase"), wrong.stderr());
            assertEquals(1, wrong.stderr().lines().count(), wrong.stderr());
            env.put("BTRFSS3_TEST_PASSPHRASE", "right");
            Exec.Result right = Exec.run(scripts.command("restore", "-k", encrypted.toString(), "--passphrase-env",
                    "BTRFSS3_TEST_PASSPHRASE", "-p", "host", "-e", "e", "-s", target.toString()), null, env, null);
            assertEquals(0, right.exit(), right.all());
        } finally {
            Files.delete(encrypted);
        }
    }

    @Test
    void archivedChunksStopTheRunBeforeAnythingIsReceived() throws IOException {
        TreeGenerator.generate(source, 91, 1L << 20, 1L << 20);
        backup("cold", "-c", "DEEP_ARCHIVE");
        Exec.Result r = restore("cold");
        assertEquals(4, r.exit(), r.all());
        assertTrue(r.stderr().contains("DEEP_ARCHIVE"), r.stderr());
        assertTrue(r.stderr().contains("xaaaa"), r.stderr());
        try (var entries = Files.list(target)) {
            assertEquals(0, entries.count(), "nothing was received");
        }
    }

    @Test
    void aDestinationThatIsNotBtrfsOrHoldsTheNameIsRefused() throws IOException {
        backup("e");
        Path notBtrfs = Files.createTempDirectory("not-btrfs");
        try {
            Exec.Result r = scripts.restore(s3.readOnly(), "-k", keys.privateKey.toString(), "-p", "host", "-e", "e",
                    "-s", notBtrfs.toString());
            assertEquals(1, r.exit(), r.all());
            assertTrue(r.stderr().contains("not on btrfs"), r.stderr());
        } finally {
            Files.delete(notBtrfs);
        }
        Files.createDirectory(target.resolve(snapshots("e").get(0).getFileName().toString()));
        Exec.Result r = restore("e");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.stderr().contains("already holds"), r.stderr());
    }

    @Test
    void aSecondRunFindsEverythingRestoredAndSucceeds() throws IOException {
        TreeGenerator.generate(source, 95, 1L << 20, 1L << 20);
        backup("e");
        assertEquals(0, restore("e").exit());
        nextSecond();
        TreeGenerator.mutate(source, 96);
        backup("e");
        Exec.Result r = restore("e");
        assertEquals(0, r.exit(), r.all());
        for (Path snapshot : snapshots("e")) {
            assertSameTree(snapshot, target.resolve(snapshot.getFileName().toString()));
        }
    }
}
