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
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code restore --verify} reads a stored epoch with nothing but S3 access and a key: it passes good
 * backups of both formats, with and without manifests, and names the backup and the damage otherwise.
 */
class VerifyTest extends BtrfsS3Test {
    private byte[] get(String key) {
        return admin.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    private void put(String key, byte[] data) {
        admin.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
    }

    /** Verify with the read-only credentials and no btrfs on the PATH: it must not need it. */
    private Exec.Result verify(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--verify", "-p", "host"));
        all.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(scripts.env(s3.readOnly()));
        env.put("PATH", "/nonexistent");
        return Exec.run(scripts.command("restore", all.toArray(String[]::new)), null, env, null);
    }

    private Exec.Result verifyWithKey(String epoch) throws IOException {
        return verify("-k", keys.privateKey.toString(), "-e", epoch);
    }

    @Test
    void passesGoodBackupsAndNamesEachKindOfDamage() throws IOException {
        TreeGenerator.generate(source, 901, 2L << 20, 1L << 20);
        backup("e", "-S", "256K");
        nextSecond();
        TreeGenerator.mutate(source, 902);
        byte[] random = new byte[1 << 20];
        new java.util.Random(9).nextBytes(random);
        Files.write(source.resolve("random"), random);
        backup("e", "-S", "256K");
        var bySeq = objectsBySequence("host/e/");
        List<String> folders = new ArrayList<>(bySeq.keySet());
        String second = folders.get(1);
        Map<String, byte[]> original = new LinkedHashMap<>();
        for (S3Object o : bySeq.get(second)) {
            original.put(o.key(), get(o.key()));
        }
        List<String> chunks = original.keySet().stream().filter(k -> k.matches(".*/x[a-z]+")).toList();
        assertTrue(chunks.size() >= 4, "the increment has several chunks: " + chunks);

        Exec.Result good = verifyWithKey("e");
        assertEquals(0, good.exit(), good.all());
        assertEquals(2, good.out().lines().filter(l -> l.startsWith("OK ")).count(), good.out());
        assertTrue(good.out().contains("OK " + second + ": increment on "), good.out());
        assertTrue(good.out().contains("every hash matches its manifest"), good.out());

        String seq = second.replaceAll(".*/(\\d+)_[0-9a-f]+/$", "$1");
        Exec.Result one = verify("-k", keys.privateKey.toString(), "-e", "e", "--only", seq);
        assertEquals(0, one.exit(), one.all());
        assertEquals(1, one.out().lines().filter(l -> l.startsWith("OK ")).count(), one.out());

        Runnable undo = () -> {
            for (S3Object o : objects(second)) {
                if (!original.containsKey(o.key())) {
                    admin.deleteObject(b -> b.bucket(bucket).key(o.key()));
                }
            }
            original.forEach(this::put);
        };
        Map<String, Runnable> damage = new LinkedHashMap<>();
        damage.put("a flipped byte", () -> {
            byte[] flipped = original.get(chunks.get(2)).clone();
            flipped[flipped.length / 3] ^= 0x10;
            put(chunks.get(2), flipped);
        });
        damage.put("a missing middle chunk", () -> admin.deleteObject(b -> b.bucket(bucket).key(chunks.get(1))));
        damage.put("a truncated last chunk", () -> {
            String last = chunks.get(chunks.size() - 1);
            put(last, Arrays.copyOf(original.get(last), original.get(last).length - 100));
        });
        damage.put("swapped chunks", () -> {
            put(chunks.get(1), original.get(chunks.get(2)));
            put(chunks.get(2), original.get(chunks.get(1)));
        });
        damage.put("the manifest of another backup", () ->
                put(second + "btrfs_manifest_enc.dat", get(folders.get(0) + "btrfs_manifest_enc.dat")));
        for (var d : damage.entrySet()) {
            d.getValue().run();
            Exec.Result r = verifyWithKey("e");
            assertEquals(2, r.exit(), d.getKey() + ": " + r.all());
            assertTrue(r.stderr().contains(second + " does not verify"), d.getKey() + ": " + r.stderr());
            assertTrue(r.out().contains("OK " + folders.get(0)), d.getKey() + ": the first backup is fine: " + r.out());
            assertTrue(r.stderr().contains("1 of 2 backups"), d.getKey() + ": " + r.stderr());
            undo.run();
        }
        damage.get("a flipped byte").run();
        Exec.Result json = verify("-k", keys.privateKey.toString(), "-e", "e", "--json");
        assertEquals(2, json.exit(), json.all());
        Map<String, Object> summary = btrfss3.json.Json.parseObject(json.out().strip());
        assertEquals("failed", summary.get("status"));
        assertEquals(2L, summary.get("exitCode"));
        assertEquals("verify", summary.get("command"));
        assertEquals(1L, summary.get("backups"), "one backup verified");
        undo.run();

        Exec.Result again = verifyWithKey("e");
        assertEquals(0, again.exit(), "undone, it verifies: " + again.all());
    }

    @Test
    void backupsWithoutManifestVerifyByStreamAndChainAndABrokenChainIsFound() throws IOException {
        TreeGenerator.generate(source, 911, 2L << 20, 1L << 20);
        List<String> folders = new ArrayList<>();
        folders.add(ReferencePipeline.backup(admin, bucket, source, keys.publicKey, "old", 1_600_000_000L, null,
                ReferencePipeline.rawKey(1)));
        TreeGenerator.mutate(source, 912);
        folders.add(ReferencePipeline.backup(admin, bucket, source, keys.publicKey, "old", 1_600_000_100L, 1_600_000_000L,
                ReferencePipeline.rawKey(2)));
        TreeGenerator.mutate(source, 913);
        folders.add(ReferencePipeline.backup(admin, bucket, source, keys.publicKey, "old", 1_600_000_200L, 1_600_000_100L,
                ReferencePipeline.rawKey(3)));

        Exec.Result good = verifyWithKey("old");
        assertEquals(0, good.exit(), good.all());
        assertEquals(3, good.out().lines().filter(l -> l.contains("no manifest: chunk hashes not checked")).count(),
                good.out());

        // Without its middle backup the chain cannot be restored: the third names a parent nobody made.
        for (S3Object o : objects(folders.get(1))) {
            admin.deleteObject(b -> b.bucket(bucket).key(o.key()));
        }
        Exec.Result broken = verifyWithKey("old");
        assertEquals(2, broken.exit(), broken.all());
        assertTrue(broken.stderr().contains(folders.get(2) + " does not verify: it is an increment on snapshot"),
                broken.stderr());
        assertTrue(broken.stderr().contains("which no earlier backup of the epoch created"), broken.stderr());
    }

    @Test
    void ageBackupsVerifyAndTheirManifestOpensWithTheAgeCli() throws IOException {
        Path dir = Files.createTempDirectory("age-verify");
        try {
            Path identity = dir.resolve("id.key");
            Exec.check(List.of("age-keygen", "-o", identity.toString()), null);
            Path recipients = Files.write(dir.resolve("recipients"),
                    Exec.check(List.of("age-keygen", "-y", identity.toString()), null));
            TreeGenerator.generate(source, 921, 1L << 20, 1L << 20);
            Exec.Result b = scripts.backup(s3.backupOnly(), "-r", recipients.toString(), "-p", "host", "-e", "a",
                    "-s", source.toString(), "-c", "STANDARD", "-S", "256K");
            assertEquals(0, b.exit(), b.all());
            String folder = objectsBySequence("host/a/").keySet().iterator().next();
            String manifest = new String(Exec.check(List.of("age", "-d", "-i", identity.toString()),
                    get(folder + "btrfs_manifest_enc.dat")), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(manifest.contains("\"format\":\"age\""), manifest);

            Exec.Result r = verify("-i", identity.toString(), "-e", "a");
            assertEquals(0, r.exit(), r.all());
            assertTrue(r.out().contains("OK " + folder + ": full"), r.out());

            Exec.Result wrongKey = verify("-k", keys.privateKey.toString(), "-e", "a");
            assertEquals(1, wrongKey.exit(), wrongKey.all());
            assertFalse(wrongKey.stderr().contains("Exception"), wrongKey.stderr());
        } finally {
            Exec.run(List.of("rm", "-rf", dir.toString()), null);
        }
    }
}
