package btrfss3.testenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Generator, mutator and comparer on a real btrfs, through real btrfs send | btrfs receive. */
class TreeRoundTripTest {
    private static LoopbackBtrfs fs;

    @BeforeAll
    static void mount() throws IOException {
        fs = LoopbackBtrfs.create("roundtrip", 1L << 30);
    }

    @AfterAll
    static void unmount() {
        if (fs != null) {
            fs.close();
        }
    }

    /** btrfs send [-p parent] snapshot | btrfs receive dest, through a pipe of the shell. */
    private static void sendReceive(Path parent, Path snapshot, Path dest) throws IOException {
        String send = "btrfs send -q " + (parent == null ? "" : "-p '" + parent + "' ") + "'" + snapshot + "'";
        Proc.Result r = Proc.run(List.of("bash", "-o", "pipefail", "-c", send + " | btrfs receive -q '" + dest + "'"), 300);
        r.check();
    }

    @Test
    void generatedAndMutatedTreeSurvivesSendReceive() throws IOException {
        Path src = fs.createSubvolume("src/data");
        TreeGenerator.generate(src, 42, 6L << 20, 2L << 20);
        Path snap1 = fs.snapshot(src, "snaps/1", true);
        Path dest = Files.createDirectories(fs.mountPoint().resolve("received"));
        sendReceive(null, snap1, dest);
        Path got1 = dest.resolve("1");
        TreeComparer.assertSameTree(snap1, got1);
        TreeComparer.assertSameTree(src, got1);

        TreeGenerator.mutate(src, 7);
        List<String> changes = TreeComparer.differences(snap1, src);
        assertFalse(changes.isEmpty(), "mutation changed nothing");
        Path snap2 = fs.snapshot(src, "snaps/2", true);
        sendReceive(snap1, snap2, dest);
        TreeComparer.assertSameTree(snap2, dest.resolve("2"));
        // The first received snapshot is still the old state.
        assertEquals(changes, TreeComparer.differences(got1, dest.resolve("2")));
        System.out.println(String.join("\n", changes));
    }
}
