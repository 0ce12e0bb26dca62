package btrfss3.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.support.ReferencePipeline;
import btrfss3.testenv.TreeGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Backups made the way the original script made them, by a shell pipeline of the real tools
 * written from the format spec, with raw 32-byte session keys, restore with restore.java.
 */
class InteropTest extends BtrfsS3Test {
    private void originalBackup(String epoch, long seq, Long parentSeq, byte[] sessionKey) throws IOException {
        ReferencePipeline.backup(admin, bucket, source, keys.publicKey, epoch, seq, parentSeq, sessionKey);
    }

    private static byte[] rawKey(long seed, int... forced) {
        return ReferencePipeline.rawKey(seed, forced);
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
