package btrfss3.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.json.Json;
import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.testenv.TreeGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Two epochs, the second branched from the first, and an interrupted backup: --list shows them as
 * the bucket and the manifests say, --until restores a point in time, --with-parents a branch.
 */
class ListAndPointInTimeTest extends BtrfsS3Test {
    private List<Path> daily;
    private List<Path> monthly;

    @BeforeEach
    void twoEpochs() throws IOException {
        TreeGenerator.generate(source, 1001, 2L << 20, 1L << 20);
        backup("daily", "-S", "256K");
        for (int i = 0; i < 2; i++) {
            nextSecond();
            TreeGenerator.mutate(source, 1002 + i);
            backup("daily", "-S", "256K");
        }
        nextSecond();
        TreeGenerator.mutate(source, 1010);
        backup("monthly", "-B", "daily", "-c", "STANDARD_IA");
        daily = snapshots("daily");
        monthly = snapshots("monthly");
        // A backup killed before its marker: chunks only.
        admin.putObject(b -> b.bucket(bucket).key("host/daily/1000_00ff/xaaaa"), RequestBody.fromBytes(new byte[100]));
    }

    private static long seq(Path snapshot) {
        return Long.parseLong(snapshot.getFileName().toString());
    }

    private Exec.Result list(String... extra) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("--list", "-p", "host"));
        args.addAll(List.of(extra));
        return scripts.restore(s3.readOnly(), args.toArray(String[]::new));
    }

    @Test
    @SuppressWarnings("unchecked")
    void listShowsEveryEpochAndBackupAsTheBucketAndManifestsSay() throws IOException {
        Exec.Result plain = list("--json");
        assertEquals(0, plain.exit(), plain.all());
        Map<String, Object> top = Json.parseObject(plain.out().strip());
        List<Map<String, Object>> epochs = (List<Map<String, Object>>) top.get("epochs");
        assertEquals(List.of("daily", "monthly"), epochs.stream().map(e -> e.get("epoch")).toList());
        List<Map<String, Object>> d = (List<Map<String, Object>>) epochs.get(0).get("backups");
        assertEquals(4, d.size());
        assertEquals(1000L, d.get(0).get("seq"));
        assertEquals(false, d.get(0).get("complete"));
        assertNull(d.get(0).get("chain"));
        for (int i = 0; i < 3; i++) {
            Map<String, Object> b = d.get(i + 1);
            assertEquals(seq(daily.get(i)), b.get("seq"));
            assertEquals(Instant.ofEpochSecond(seq(daily.get(i))).toString(), b.get("time"));
            assertEquals(true, b.get("complete"));
            assertEquals("openssl", b.get("format"));
            assertEquals((long) (i + 1), b.get("chain"));
            List<S3Object> chunks = objects((String) b.get("folder")).stream().filter(o -> o.key().matches(".*/x[a-z]+")).toList();
            assertEquals((long) chunks.size(), b.get("chunks"));
            assertEquals(chunks.stream().mapToLong(S3Object::size).sum(), b.get("storedBytes"));
            assertEquals(List.of("STANDARD"), b.get("storageClasses"));
            assertEquals(true, b.get("manifest"));
            assertNull(b.get("kind"), "without a key the listing cannot tell");
        }
        Map<String, Object> m = ((List<Map<String, Object>>) epochs.get(1).get("backups")).get(0);
        assertEquals(List.of("STANDARD_IA"), m.get("storageClasses"));

        Exec.Result keyed = list("--json", "-k", keys.privateKey.toString(), "-e", "monthly");
        assertEquals(0, keyed.exit(), keyed.all());
        Map<String, Object> mb = ((List<Map<String, Object>>) ((List<Map<String, Object>>) Json.parseObject(
                keyed.out().strip()).get("epochs")).get(0).get("backups")).get(0);
        assertEquals("incremental", mb.get("kind"));
        assertEquals(Map.of("epoch", "daily", "seq", seq(daily.get(2))), mb.get("parent"));
        assertTrue((Long) mb.get("streamBytes") > 0);

        Exec.Result table = list("-k", keys.privateKey.toString());
        assertEquals(0, table.exit(), table.all());
        List<String> lines = table.out().lines().toList();
        assertTrue(lines.get(0).startsWith("EPOCH"), table.out());
        assertEquals(6, lines.size(), table.out());
        assertTrue(lines.get(1).contains("incomplete"), table.out());
        assertTrue(lines.get(2).contains(" full "), table.out());
        assertTrue(lines.get(3).contains("incr. on " + seq(daily.get(0))), table.out());
        assertTrue(lines.get(5).contains("incr. on daily/" + seq(daily.get(2))), table.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void untilRestoresAPointInTimeAndWithParentsRestoresABranch() throws IOException {
        Path metrics = targetFs.mountPoint().resolve("restore.prom");
        Exec.Result r = restore("daily", "--until", Long.toString(seq(daily.get(1))), "--json", "--progress=always",
                "--prometheus-file", metrics.toString());
        assertEquals(0, r.exit(), r.all());
        Map<String, Object> summary = Json.parseObject(r.out().strip());
        assertEquals("ok", summary.get("status"));
        assertEquals("restore", summary.get("command"));
        assertEquals(2L, summary.get("backups"));
        assertEquals(seq(daily.get(1)), summary.get("seq"));
        assertEquals(target.resolve(daily.get(1).getFileName().toString()).toString(), summary.get("lastSnapshot"));
        long stored = objectsBySequence("host/daily/").entrySet().stream()
                .filter(e -> e.getKey().matches(".*/(" + seq(daily.get(0)) + "|" + seq(daily.get(1)) + ")_[0-9a-f]+/"))
                .flatMap(e -> e.getValue().stream()).filter(o -> o.key().matches(".*/x[a-z]+")).mapToLong(S3Object::size).sum();
        long read = (Long) summary.get("bytesRead");
        assertTrue(read > stored - 64 * 20 && read <= stored, "decrypted bytes of the two backups' chunks: " + read + " of " + stored);
        assertTrue(r.stderr().contains("backup 2 of 2"), "the progress line: " + r.stderr());
        String prom = Files.readString(metrics);
        assertTrue(prom.contains("btrfs_send_s3_last_exit_code{command=\"restore\""), prom);
        assertTrue(prom.contains("btrfs_send_s3_last_backups{"), prom);
        assertSameTree(daily.get(0), target.resolve(daily.get(0).getFileName().toString()));
        assertSameTree(daily.get(1), target.resolve(daily.get(1).getFileName().toString()));
        assertFalse(Files.exists(target.resolve(daily.get(2).getFileName().toString())));

        Path iso = Files.createDirectory(targetFs.mountPoint().resolve("iso"));
        Exec.Result byTime = scripts.restore(s3.readOnly(), "-k", keys.privateKey.toString(), "-p", "host", "-e", "daily",
                "-s", iso.toString(), "-d", "--until", Instant.ofEpochSecond(seq(daily.get(1))).toString());
        assertEquals(0, byTime.exit(), byTime.all());
        try (var s = Files.list(iso)) {
            assertEquals(List.of(iso.resolve(daily.get(1).getFileName().toString())), s.toList());
        }

        Path alone = Files.createDirectory(targetFs.mountPoint().resolve("alone"));
        Exec.Result noParents = scripts.restore(s3.readOnly(), "-k", keys.privateKey.toString(), "-p", "host",
                "-e", "monthly", "-s", alone.toString());
        assertEquals(2, noParents.exit(), "a branch cannot be received without its parent: " + noParents.all());
        assertTrue(noParents.stderr().contains("add --with-parents"), noParents.stderr());

        Path branch = Files.createDirectory(targetFs.mountPoint().resolve("branch"));
        Exec.Result withParents = scripts.restore(s3.readOnly(), "-k", keys.privateKey.toString(), "-p", "host",
                "-e", "monthly", "-s", branch.toString(), "--with-parents", "-d");
        assertEquals(0, withParents.exit(), withParents.all());
        try (var s = Files.list(branch)) {
            assertEquals(List.of(branch.resolve(monthly.get(0).getFileName().toString())), s.toList(),
                    "-d keeps only the newest");
        }
        assertSameTree(monthly.get(0), branch.resolve(monthly.get(0).getFileName().toString()));

        Exec.Result bad = restore("daily", "--until", "yesterday");
        assertEquals(1, bad.exit(), bad.all());
        assertEquals(1, bad.stderr().strip().lines().count(), bad.stderr());
        assertTrue(new String(bad.stdout(), StandardCharsets.UTF_8).isEmpty() || !bad.out().contains("Exception"));
    }
}
