package btrfss3.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import btrfss3.testenv.LoopbackBtrfs;
import btrfss3.testenv.S3Endpoint;
import btrfss3.testenv.TreeComparer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Base of the end-to-end tests: a source and a destination loopback btrfs, a fresh bucket on the
 * harness's S3 server, an RSA key pair, and the scripts run as processes.
 */
public abstract class BtrfsS3Test {
    protected static S3Endpoint s3;
    protected static Keys keys;
    protected String bucket;
    protected Scripts scripts;
    protected LoopbackBtrfs sourceFs;
    protected LoopbackBtrfs targetFs;
    protected Path source;
    protected Path target;
    protected S3Client admin;

    @BeforeAll
    static void startServer() throws IOException {
        s3 = S3Endpoint.forTests();
        keys = Keys.rsa();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void setUpWorld() throws IOException {
        bucket = s3.createBucket();
        scripts = new Scripts(s3, bucket);
        admin = s3.client(s3.admin());
        sourceFs = LoopbackBtrfs.create("src", 1L << 30);
        source = sourceFs.createSubvolume("data");
        targetFs = LoopbackBtrfs.create("dst", 1L << 30);
        target = targetFs.mountPoint().resolve("restored");
        Files.createDirectory(target);
    }

    @AfterEach
    void tearDownWorld() {
        if (admin != null) {
            admin.close();
        }
        if (targetFs != null) {
            targetFs.close();
        }
        if (sourceFs != null) {
            sourceFs.close();
        }
    }

    /** Runs a backup with the restricted, PutObject-only credentials and insists on success. */
    protected Exec.Result backup(String epoch, String... extra) throws IOException {
        Exec.Result r = backupAllowingFailure(epoch, extra);
        assertEquals(0, r.exit(), () -> "backup failed: " + r.all());
        return r;
    }

    protected Exec.Result backupAllowingFailure(String epoch, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("-k", keys.publicKey.toString(), "-p", "host", "-e", epoch,
                "-s", source.toString()));
        args.addAll(List.of(extra));
        if (!args.contains("-c")) {
            args.addAll(List.of("-c", "STANDARD"));
        }
        return scripts.backup(s3.backupOnly(), args.toArray(String[]::new));
    }

    protected Exec.Result restore(String epoch, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("-k", keys.privateKey.toString(), "-p", "host", "-e", epoch,
                "-s", target.toString()));
        args.addAll(List.of(extra));
        return scripts.restore(s3.readOnly(), args.toArray(String[]::new));
    }

    /** Completed local snapshots of an epoch, oldest first. */
    protected List<Path> snapshots(String epoch) throws IOException {
        Path dir = source.resolve(".stream_backup_" + epoch);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .sorted((a, b) -> Long.compare(Long.parseLong(a.getFileName().toString()),
                            Long.parseLong(b.getFileName().toString())))
                    .toList();
        }
    }

    protected List<S3Object> objects(String prefix) {
        return admin.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().toList();
    }

    /** Objects under a prefix, grouped by backup folder (PREFIX/EPOCH/SEQ_SALT/), in key order. */
    protected Map<String, List<S3Object>> objectsBySequence(String prefix) {
        Map<String, List<S3Object>> m = new TreeMap<>();
        for (S3Object o : objects(prefix)) {
            String folder = o.key().substring(0, o.key().lastIndexOf('/') + 1);
            m.computeIfAbsent(folder, k -> new ArrayList<>()).add(o);
        }
        m.values().forEach(l -> l.sort(java.util.Comparator.comparing(S3Object::key)));
        return m;
    }

    protected static void assertSameTree(Path expected, Path actual) throws IOException {
        List<String> diffs = TreeComparer.differences(expected, actual);
        assertEquals(List.of(), diffs, "restored tree differs from " + expected);
    }

    /**
     * SEQ is the Unix second, and the product refuses two backups in one second; this waits for
     * the clock, not for another thread.
     */
    protected static void nextSecond() {
        try {
            Thread.sleep(1000 - System.currentTimeMillis() % 1000 + 5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
