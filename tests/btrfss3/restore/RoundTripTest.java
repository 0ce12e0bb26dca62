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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The heart of the suite: real epochs, backed up and restored, every snapshot compared. */
class RoundTripTest extends BtrfsS3Test {

    /** Full backup plus three increments, each with every kind of mutation. */
    @ParameterizedTest(name = "chunk size {0}")
    @ValueSource(strings = {"256K", "512M"})
    void aFullBackupAndThreeIncrementsRestoreExactly(String chunkSize) throws IOException {
        TreeGenerator.generate(source, 21, 16L << 20, 1L << 20);
        backup("daily", "-S", chunkSize);
        for (int i = 0; i < 3; i++) {
            nextSecond();
            TreeGenerator.mutate(source, 100 + i);
            backup("daily", "-S", chunkSize);
        }
        List<Path> local = snapshots("daily");
        assertEquals(4, local.size());

        Exec.Result r = restore("daily");
        assertEquals(0, r.exit(), r.all());
        Path newest = target.resolve(local.get(3).getFileName().toString());
        assertTrue(r.out().strip().endsWith("Last snapshot successfully restored in: " + newest), r.out());
        for (Path snapshot : local) {
            assertSameTree(snapshot, target.resolve(snapshot.getFileName().toString()));
        }
    }

    @Test
    void deletePreviousOnBothSidesKeepsOnlyTheNewest() throws IOException {
        TreeGenerator.generate(source, 31, 4L << 20, 1L << 20);
        backup("e", "-d");
        nextSecond();
        TreeGenerator.mutate(source, 32);
        backup("e", "-d");
        nextSecond();
        TreeGenerator.mutate(source, 33);
        backup("e", "-d");
        List<Path> local = snapshots("e");
        assertEquals(1, local.size(), "-d deletes the parent of each increment: " + local);

        Exec.Result r = restore("e", "-d");
        assertEquals(0, r.exit(), r.all());
        try (var restored = Files.list(target)) {
            assertEquals(List.of(local.get(0).getFileName().toString()),
                    restored.map(p -> p.getFileName().toString()).toList());
        }
        assertSameTree(local.get(0), target.resolve(local.get(0).getFileName().toString()));
    }

    @Test
    void aBranchEpochRestoresAfterItsParentEpochAndTwoEpochsShareAPrefix() throws IOException {
        TreeGenerator.generate(source, 41, 4L << 20, 1L << 20);
        backup("daily");
        nextSecond();
        TreeGenerator.mutate(source, 42);
        backup("daily");
        nextSecond();
        TreeGenerator.mutate(source, 43);
        backup("monthly", "-B", "daily", "-d");
        assertEquals(2, snapshots("daily").size(), "-d never deletes the branch epoch's snapshot");
        nextSecond();
        TreeGenerator.mutate(source, 44);
        backup("monthly");

        // Epoch names sharing a prefix stay apart.
        nextSecond();
        backup("daily-2");
        assertEquals(1, snapshots("daily-2").size());

        assertEquals(0, restore("daily").exit());
        Exec.Result r = restore("monthly");
        assertEquals(0, r.exit(), r.all());
        for (String epoch : List.of("daily", "monthly")) {
            for (Path snapshot : snapshots(epoch)) {
                assertSameTree(snapshot, target.resolve(snapshot.getFileName().toString()));
            }
        }
    }

    @Test
    void aBranchEpochAloneDoesNotRestore() throws IOException {
        TreeGenerator.generate(source, 51, 2L << 20, 1L << 20);
        backup("daily");
        nextSecond();
        backup("monthly", "-B", "daily");
        Exec.Result r = restore("monthly");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("No snapshot was restored"), r.stderr());
    }

    @Test
    void anInterruptedBackupInTheMiddleIsSkippedWithAWarning() throws IOException {
        TreeGenerator.generate(source, 61, 4L << 20, 1L << 20);
        backup("e");
        // What a killed run of the original leaves: chunks, no marker. It sorts between the two backups.
        String orphan = "host/e/" + snapshots("e").get(0).getFileName() + "_ffffffffffffffff/";
        admin.putObject(b -> b.bucket(bucket).key(orphan + "xaaaa"), software.amazon.awssdk.core.sync.RequestBody.fromString("junk"));
        nextSecond();
        TreeGenerator.mutate(source, 62);
        backup("e");
        Exec.Result r = restore("e");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.stderr().contains("WARNING: " + orphan + " skipped"), r.stderr());
        assertTrue(r.stderr().contains("restoring it will fail"), r.stderr());
        for (Path snapshot : snapshots("e")) {
            assertSameTree(snapshot, target.resolve(snapshot.getFileName().toString()));
        }
    }
}
