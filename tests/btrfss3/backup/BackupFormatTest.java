package btrfss3.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.testenv.TreeGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What backup.java stores is exactly the original format: proven by taking it apart with the
 * real openssl, lz4 and btrfs receive, never with our own code.
 */
class BackupFormatTest extends BtrfsS3Test {
    private static final int CHUNK = 1 << 20;

    @Test
    void fullAndIncrementalBackupsRestoreWithTheRealTools() throws IOException {
        TreeGenerator.generate(source, 11, 12L << 20, 2L << 20);
        Exec.Result first = backup("e1", "-S", "1M", "-c", "STANDARD_IA");
        assertEquals("", first.out(), "a good run is silent under cron");
        assertFalse(first.stderr().contains("SECURITY WARNING"), first.stderr());

        nextSecond();
        TreeGenerator.mutate(source, 12);
        backup("e1", "-S", "1M", "-c", "STANDARD_IA");

        List<Path> local = snapshots("e1");
        assertEquals(2, local.size());
        Map<String, List<S3Object>> bySeq = objectsBySequence("host/e1/");
        assertEquals(2, bySeq.size());
        int i = 0;
        for (var e : bySeq.entrySet()) {
            String folder = e.getKey();
            assertTrue(folder.matches("host/e1/" + local.get(i).getFileName() + "_[0-9a-f]{16}/"), folder);
            receiveWithRealTools(folder, e.getValue());
            assertSameTree(local.get(i), target.resolve(local.get(i).getFileName().toString()));
            i++;
        }
    }

    private void receiveWithRealTools(String folder, List<S3Object> objects) throws IOException {
        Path work = Files.createTempDirectory("oracle");
        try {
            S3Object marker = objects.stream().filter(o -> o.key().endsWith("/btrfs_sess_key_enc.dat")).findFirst().orElseThrow();
            assertEquals("STANDARD", marker.storageClassAsString(), "the marker must be readable without a thaw");
            byte[] password = Exec.check(List.of("openssl", "pkeyutl", "-decrypt", "-inkey", keys.privateKey.toString()),
                    admin.getObjectAsBytes(b -> b.bucket(bucket).key(marker.key())).asByteArray());
            assertEquals(64, password.length);
            Path keyFile = Files.write(work.resolve("key"), password);

            List<S3Object> chunks = objects.stream().filter(o -> o.key().matches(".*/x[a-z]+")).toList();
            assertEquals(objects.size() - 2, chunks.size(), "only chunks, the manifest and the marker: " + objects);
            assertEquals("STANDARD", objects.stream().filter(o -> o.key().endsWith("/btrfs_manifest_enc.dat")).findFirst()
                    .orElseThrow().storageClassAsString(), "the manifest must be readable without a thaw");
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            for (int c = 0; c < chunks.size(); c++) {
                S3Object o = chunks.get(c);
                assertEquals(folder + btrfss3.layout.ChunkNames.name(c), o.key());
                assertEquals("STANDARD_IA", o.storageClassAsString(), o.key());
                byte[] stored = admin.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray();
                byte[] plain = Exec.check(List.of("openssl", "enc", "-d", "-aes-256-cbc", "-md", "sha512", "-pbkdf2",
                        "-pass", "file:" + keyFile), stored);
                if (c < chunks.size() - 1) {
                    assertEquals(CHUNK, plain.length, "every chunk but the last is exactly -S bytes");
                } else {
                    assertTrue(plain.length > 0 && plain.length <= CHUNK);
                }
                compressed.write(plain);
            }
            byte[] stream = Exec.check(List.of("lz4", "-d", "-c"), compressed.toByteArray());
            Exec.Result received = Exec.run(List.of("btrfs", "receive", target.toString()), stream);
            assertEquals(0, received.exit(), received.stderr());
        } finally {
            Exec.run(List.of("rm", "-rf", work.toString()), null);
        }
    }

    @Test
    void aChunkSizeLargerThanTheStreamMakesOneChunk() throws IOException {
        TreeGenerator.generate(source, 3, 1L << 20, 512L << 10);
        backup("one", "-S", "1G");
        var objects = objects("host/one/");
        assertEquals(3, objects.size(), objects.toString());
        assertArrayEquals(new String[] {"btrfs_manifest_enc.dat", "btrfs_sess_key_enc.dat", "xaaaa"},
                objects.stream().map(o -> o.key().substring(o.key().lastIndexOf('/') + 1)).sorted().toArray());
    }
}
