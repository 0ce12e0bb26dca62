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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Backups made the way the original script made them, by a shell pipeline of the real tools
 * written from the format spec, with raw 32-byte session keys, restore with restore.java.
 */
class InteropTest extends BtrfsS3Test {
    private static final String PIPELINE = """
            set -euo pipefail
            btrfs send -q $PARENT "$SNAP" | lz4 -q | split -b 256K --suffix-length 4 \
              --filter 'openssl enc -aes-256-cbc -salt -md sha512 -pbkdf2 -pass file:"$KEY" 2>/dev/null | cat > "$OUT/$FILE"'
            openssl pkeyutl -encrypt -pubin -inkey "$PUB" -in "$KEY" -out "$OUT/btrfs_sess_key_enc.dat"
            """;

    /** Makes one backup as the original did and uploads its files under PREFIX/EPOCH/SEQ_SALT/. */
    private void originalBackup(String epoch, long seq, Long parentSeq, byte[] sessionKey) throws IOException {
        Path dir = source.resolve(".stream_backup_" + epoch);
        Files.createDirectories(dir);
        Path snap = dir.resolve(Long.toString(seq));
        Exec.check(List.of("btrfs", "subvolume", "snapshot", "-r", source.toString(), snap.toString()), null);
        Path work = Files.createTempDirectory("original");
        try {
            Path key = Files.write(work.resolve("key"), sessionKey);
            Path out = Files.createDirectory(work.resolve("out"));
            String parent = parentSeq == null ? "" : "-p " + dir.resolve(Long.toString(parentSeq));
            var r = Exec.run(List.of("bash", "-c", PIPELINE), null, java.util.Map.of("PARENT", parent, "SNAP", snap.toString(),
                    "KEY", key.toString(), "OUT", out.toString(), "PUB", keys.publicKey.toString()), null);
            assertEquals(0, r.exit(), r.stderr());
            String folder = "host/" + epoch + "/" + seq + "_" + String.format("%016x", new Random(seq).nextLong()) + "/";
            try (var files = Files.list(out)) {
                for (Path f : files.toList()) {
                    admin.putObject(b -> b.bucket(bucket).key(folder + f.getFileName()), RequestBody.fromFile(f));
                }
            }
        } finally {
            Exec.run(List.of("rm", "-rf", work.toString()), null);
        }
    }

    private static byte[] rawKey(long seed, int... forced) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        for (int i = 0; i < k.length; i++) {
            if (k[i] == 0 || k[i] == '\n') {
                k[i] = 'k';
            }
        }
        for (int i = 0; i < forced.length; i += 2) {
            k[forced[i]] = (byte) forced[i + 1];
        }
        return k;
    }

    @Test
    void rawSessionKeysWithNewlinesAndNulsRestoreAndANulFirstKeyStopsTheChainLoudly() throws IOException {
        TreeGenerator.generate(source, 71, 6L << 20, 1L << 20);
        List<Long> seqs = new ArrayList<>();
        originalBackup("old", 1_600_000_000L, null, rawKey(1, 7, '\n', 3, 0));
        seqs.add(1_600_000_000L);
        TreeGenerator.mutate(source, 72);
        originalBackup("old", 1_600_000_100L, 1_600_000_000L, rawKey(2, 0, '\n'));
        seqs.add(1_600_000_100L);
        TreeGenerator.mutate(source, 73);
        originalBackup("old", 1_600_000_200L, 1_600_000_100L, rawKey(3, 5, 0, 20, '\n'));
        seqs.add(1_600_000_200L);
        TreeGenerator.mutate(source, 74);
        originalBackup("old", 1_600_000_300L, 1_600_000_200L, rawKey(4, 0, 0));

        Exec.Result r = restore("old");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("NUL"), r.stderr());
        assertTrue(r.stderr().contains("cannot be restored past"), r.stderr());
        assertTrue(r.out().contains("Last snapshot successfully restored in: " + target.resolve("1600000200")), r.out());
        for (long seq : seqs) {
            Path snap = source.resolve(".stream_backup_old").resolve(Long.toString(seq));
            assertSameTree(snap, target.resolve(Long.toString(seq)));
        }
        assertFalse(Files.exists(target.resolve("1600000300")));
    }
}
