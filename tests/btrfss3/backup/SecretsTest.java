package btrfss3.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.testenv.TreeGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The session password never leaves memory except RSA-encrypted: not in any output, not in any
 * file the tool wrote, not in the command line, on success and on failure.
 */
class SecretsTest extends BtrfsS3Test {

    @Test
    void theSessionPasswordAppearsNowhereButInTheEncryptedMarker() throws IOException {
        Instant start = Instant.now().minusSeconds(1);
        TreeGenerator.generate(source, 501, 2L << 20, 1L << 20);
        List<Exec.Result> runs = new ArrayList<>();
        runs.add(backup("e", "-v", "-S", "256K"));
        nextSecond();
        TreeGenerator.mutate(source, 502);
        // With every report too: the JSON line, the progress line and the metrics file (under /tmp, searched below).
        Path metrics = Files.createTempDirectory("secrets-metrics").resolve("backup.prom");
        runs.add(backup("e", "-v", "-S", "256K", "--json", "--progress=always", "--prometheus-file", metrics.toString()));
        assertTrue(Files.exists(metrics));

        List<String> passwords = new ArrayList<>();
        for (S3Object marker : objects("host/e/").stream().filter(o -> o.key().endsWith("btrfs_sess_key_enc.dat")).toList()) {
            byte[] pw = Exec.check(List.of("openssl", "pkeyutl", "-decrypt", "-inkey", keys.privateKey.toString()),
                    admin.getObjectAsBytes(b -> b.bucket(bucket).key(marker.key())).asByteArray());
            passwords.add(new String(pw, StandardCharsets.US_ASCII));
        }
        assertEquals(2, passwords.size());

        runs.add(restore("e", "-v"));
        assertEquals(0, runs.get(2).exit(), runs.get(2).all());
        // A failing restore, whose error is about a chunk of the second backup.
        S3Object chunk = objects("host/e/").stream().filter(o -> o.key().endsWith("/xaaaa")).reduce((a, b) -> b).orElseThrow();
        byte[] stored = admin.getObjectAsBytes(b -> b.bucket(bucket).key(chunk.key())).asByteArray();
        stored[20] ^= 1;
        admin.putObject(b -> b.bucket(bucket).key(chunk.key()), RequestBody.fromBytes(stored));
        Path second = Files.createDirectory(targetFs.mountPoint().resolve("second"));
        Exec.Result failed = scripts.restore(s3.readOnly(), "-k", keys.privateKey.toString(), "-p", "host", "-e", "e",
                "-s", second.toString(), "-v");
        assertEquals(2, failed.exit(), failed.all());
        runs.add(failed);

        for (String password : passwords) {
            assertEquals(64, password.length());
            for (Exec.Result r : runs) {
                assertFalse(r.all().contains(password), "password in the output: " + r.all());
                assertFalse(r.all().contains(password.substring(0, 16)), "part of the password in the output");
            }
            // Everything on both btrfs filesystems (every subvolume), and the temporary folders.
            for (Path root : List.of(sourceFs.mountPoint(), targetFs.mountPoint())) {
                assertEquals(List.of(), filesContaining(root, password, start, false), "password written to disk");
            }
            for (Path root : List.of(Path.of("/tmp"), Path.of("/var/tmp"), Path.of("/run/lock"))) {
                assertEquals(List.of(), filesContaining(root, password, start, true), "password written to disk");
            }
        }
    }

    /**
     * Files under root modified since start that contain the text. With oneDevice, other
     * filesystems mounted below (other tests' loop mounts under /var/tmp) are left alone.
     */
    private static List<Path> filesContaining(Path root, String text, Instant start, boolean oneDevice) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
        List<Path> found = new ArrayList<>();
        Object rootDev = Files.getAttribute(root, "unix:dev");
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                return !oneDevice || Files.getAttribute(dir, "unix:dev").equals(rootDev)
                        ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() && attrs.size() < (64 << 20)
                        && attrs.lastModifiedTime().compareTo(FileTime.from(start)) >= 0 && contains(file, needle)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult.CONTINUE;
            }
        });
        return found;
    }

    private static boolean contains(Path file, byte[] needle) {
        try {
            byte[] data = Files.readAllBytes(file);
            outer:
            for (int i = 0; i + needle.length <= data.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (data[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void badCredentialsAreExitOneBeforeAnythingIsTaken() throws IOException {
        var wrong = software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIAWRONGWRONGWRONG1", "not-the-secret");
        Exec.Result b = scripts.backup(wrong, "-k", keys.publicKey.toString(), "-p", "host", "-e", "e", "-c", "STANDARD",
                "-s", source.toString());
        assertEquals(1, b.exit(), b.all());
        assertTrue(b.stderr().contains("refused the credentials"), b.stderr());
        assertFalse(b.all().contains("not-the-secret"));
        assertEquals(List.of(), snapshots("e"));
        Exec.Result r = scripts.restore(wrong, "-k", keys.privateKey.toString(), "-p", "host", "-e", "e", "-s", target.toString());
        assertEquals(1, r.exit(), r.all());
        assertFalse(r.all().contains("not-the-secret"));
    }
}
