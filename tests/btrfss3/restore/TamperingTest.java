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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Whatever is done to the stored objects, restore never completes a wrong snapshot: it stops
 * with exit 2 naming the backup, keeps the last good snapshot and removes the partial one.
 */
class TamperingTest extends BtrfsS3Test {
    private String secondFolder;
    private Map<String, byte[]> original;

    private byte[] get(String key) {
        return admin.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    private void put(String key, byte[] data) {
        admin.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
    }

    private void undo() {
        for (S3Object o : objects(secondFolder)) {
            if (!original.containsKey(o.key())) {
                admin.deleteObject(b -> b.bucket(bucket).key(o.key()));
            }
        }
        original.forEach(this::put);
    }

    private void assertRestoreStopsAtTheSecondBackup(String what, int run) throws IOException {
        Path into = Files.createDirectory(targetFs.mountPoint().resolve("run-" + run));
        Exec.Result r = scripts.restore(s3.readOnly(), "-k", keys.privateKey.toString(), "-p", "host", "-e", "e",
                "-s", into.toString());
        assertEquals(2, r.exit(), what + ": " + r.all());
        assertTrue(r.stderr().contains("restoring " + secondFolder + " failed"), what + ": " + r.stderr());
        Path first = snapshots("e").get(0);
        assertTrue(r.out().contains("Last snapshot successfully restored in: " + into.resolve(first.getFileName().toString())),
                what + ": " + r.out());
        assertFalse(Files.exists(into.resolve(snapshots("e").get(1).getFileName().toString())),
                what + ": the partly received snapshot is removed");
    }

    @Test
    void everyKindOfDamageIsCaughtAndNamed() throws IOException {
        TreeGenerator.generate(source, 601, 2L << 20, 1L << 20);
        backup("e", "-S", "256K");
        nextSecond();
        TreeGenerator.mutate(source, 602);
        byte[] random = new byte[1 << 20];
        new java.util.Random(3).nextBytes(random);
        Files.write(source.resolve("random"), random);
        backup("e", "-S", "256K");
        var bySeq = objectsBySequence("host/e/");
        String firstFolder = bySeq.keySet().iterator().next();
        secondFolder = bySeq.keySet().stream().skip(1).findFirst().orElseThrow();
        original = new LinkedHashMap<>();
        for (S3Object o : bySeq.get(secondFolder)) {
            original.put(o.key(), get(o.key()));
        }
        List<String> chunks = original.keySet().stream().filter(k -> k.matches(".*/x[a-z]+")).toList();
        assertTrue(chunks.size() >= 4, "the increment has several chunks: " + chunks);

        int run = 0;
        admin.deleteObject(b -> b.bucket(bucket).key(chunks.get(1)));
        assertRestoreStopsAtTheSecondBackup("a missing middle chunk", run++);
        undo();

        put(secondFolder + "xzzzz", original.get(chunks.get(1)));
        assertRestoreStopsAtTheSecondBackup("an extra chunk", run++);
        undo();

        put(chunks.get(1), original.get(chunks.get(2)));
        put(chunks.get(2), original.get(chunks.get(1)));
        assertRestoreStopsAtTheSecondBackup("swapped chunks", run++);
        undo();

        String last = chunks.get(chunks.size() - 1);
        put(last, Arrays.copyOf(original.get(last), original.get(last).length - 100));
        assertRestoreStopsAtTheSecondBackup("a truncated last chunk", run++);
        undo();

        byte[] flipped = original.get(chunks.get(2)).clone();
        flipped[flipped.length / 3] ^= 0x10;
        put(chunks.get(2), flipped);
        assertRestoreStopsAtTheSecondBackup("a flipped byte", run++);
        undo();

        put(secondFolder + "btrfs_sess_key_enc.dat", get(firstFolder + "btrfs_sess_key_enc.dat"));
        assertRestoreStopsAtTheSecondBackup("the marker of another backup", run++);
        undo();

        Path clean = Files.createDirectory(targetFs.mountPoint().resolve("clean"));
        Exec.Result r = scripts.restore(s3.readOnly(), "-k", keys.privateKey.toString(), "-p", "host", "-e", "e",
                "-s", clean.toString());
        assertEquals(0, r.exit(), "undone, it restores: " + r.all());
        for (Path snapshot : snapshots("e")) {
            assertSameTree(snapshot, clean.resolve(snapshot.getFileName().toString()));
        }
    }
}
