package btrfss3.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.json.Json;
import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.testenv.TreeGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The manifest, read with the real tools only: the marker opened by {@code openssl pkeyutl}, the
 * manifest by {@code openssl enc -d} with that password, every hash and size recomputed from the
 * stored objects, the stream rebuilt with {@code openssl enc -d} and {@code lz4 -d}.
 */
class ManifestFormatTest extends BtrfsS3Test {
    private byte[] get(String key) {
        return admin.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFieldIsWhatTheRealToolsFindInTheStoredObjects() throws Exception {
        TreeGenerator.generate(source, 801, 2L << 20, 1L << 20);
        backup("e", "-S", "256K");
        nextSecond();
        TreeGenerator.mutate(source, 802);
        backup("e", "-S", "256K");
        List<Path> snaps = snapshots("e");
        var folders = new ArrayList<>(objectsBySequence("host/e/").keySet());
        assertEquals(2, folders.size());
        Path work = Files.createTempDirectory("manifest");
        try {
            for (int i = 0; i < 2; i++) {
                String folder = folders.get(i);
                Path password = work.resolve("password-" + i);
                Files.write(password, Exec.check(List.of("openssl", "pkeyutl", "-decrypt", "-inkey",
                        keys.privateKey.toString()), get(folder + "btrfs_sess_key_enc.dat")));
                List<String> dec = List.of("openssl", "enc", "-d", "-aes-256-cbc", "-md", "sha512", "-pbkdf2",
                        "-pass", "file:" + password);
                Map<String, Object> m = Json.parseObject(new String(Exec.check(dec, get(folder + "btrfs_manifest_enc.dat")),
                        StandardCharsets.UTF_8));
                String dir = folder.substring("host/e/".length(), folder.length() - 1);
                String seq = snaps.get(i).getFileName().toString();
                assertEquals(1L, m.get("manifest"));
                assertEquals("openssl", m.get("format"));
                assertEquals("e", m.get("epoch"));
                assertEquals(Long.parseLong(seq), m.get("seq"));
                assertEquals(dir, m.get("folder"));
                assertEquals(false, m.get("branch"));
                assertEquals(uuid(snaps.get(i)), m.get("uuid"));
                if (i == 0) {
                    assertNull(m.get("parent"));
                    assertNull(m.get("parentUuid"));
                } else {
                    assertEquals(Map.of("epoch", "e", "seq", Long.parseLong(snaps.get(0).getFileName().toString())),
                            m.get("parent"));
                    assertEquals(uuid(snaps.get(0)), m.get("parentUuid"));
                }
                List<S3Object> chunks = objectsBySequence("host/e/").get(folder).stream()
                        .filter(o -> o.key().matches(".*/x[a-z]+")).toList();
                List<Map<String, Object>> listed = (List<Map<String, Object>>) m.get("chunks");
                assertEquals(chunks.size(), listed.size());
                assertTrue(chunks.size() >= 2 || i == 1, "the full backup spans several chunks");
                ByteArrayOutputStream lz4 = new ByteArrayOutputStream();
                for (int c = 0; c < chunks.size(); c++) {
                    byte[] stored = get(chunks.get(c).key());
                    byte[] plain = Exec.check(dec, stored);
                    lz4.write(plain);
                    Map<String, Object> entry = listed.get(c);
                    assertEquals(chunks.get(c).key().substring(folder.length()), entry.get("name"));
                    assertEquals((long) stored.length, entry.get("storedBytes"));
                    assertEquals(sha256(stored), entry.get("sha256"));
                    assertEquals((long) plain.length, entry.get("plainBytes"));
                }
                byte[] stream = Exec.check(List.of("lz4", "-d", "-c"), lz4.toByteArray());
                Map<String, Object> s = (Map<String, Object>) m.get("stream");
                assertEquals((long) stream.length, s.get("bytes"));
                assertEquals(sha256(stream), s.get("sha256"));
            }
        } finally {
            Exec.run(List.of("rm", "-rf", work.toString()), null);
        }
    }

    private static String uuid(Path snapshot) throws IOException {
        String show = new String(Exec.check(List.of("btrfs", "subvolume", "show", snapshot.toString()), null),
                StandardCharsets.UTF_8);
        return show.lines().filter(l -> l.strip().startsWith("UUID:")).findFirst().orElseThrow()
                .substring(show.lines().filter(l -> l.strip().startsWith("UUID:")).findFirst().orElseThrow().indexOf(':') + 1)
                .strip();
    }
}
