package btrfss3.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.layout.ObjectLayout;
import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.support.Scripts;
import btrfss3.testenv.FaultProxy;
import btrfss3.testenv.FaultProxy.Action;
import btrfss3.testenv.FaultProxy.Match;
import btrfss3.testenv.FaultRule;
import btrfss3.testenv.LoopbackBtrfs;
import btrfss3.testenv.TreeGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worst days: S3 failing, connections reset or stalled, processes killed at every step, a full
 * disk. Faults come from a real HTTP proxy in front of the real S3 server; processes are killed
 * with real signals at moments the proxy holds them in.
 */
class FaultToleranceTest extends BtrfsS3Test {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private FaultProxy proxy;
    private Scripts viaProxy;

    @BeforeEach
    void startProxy() {
        proxy = FaultProxy.start(s3.endpoint());
        viaProxy = scripts.via(proxy.endpoint());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    /** A stalled request times out after 2 s and is retried, unless a test gives a --timeout of its own. */
    private static List<String> withTimeout(List<String> args, String... extra) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(extra));
        if (!all.contains("--timeout")) {
            all.addAll(List.of("--timeout", "2"));
        }
        return all;
    }

    private String[] backupArgs(String epoch, String... extra) {
        return withTimeout(List.of("-k", keys.publicKey.toString(), "-p", "host", "-e", epoch,
                "-c", "STANDARD", "-s", source.toString()), extra).toArray(String[]::new);
    }

    private String[] restoreArgs(String epoch, Path into, String... extra) {
        return withTimeout(List.of("-k", keys.privateKey.toString(), "-p", "host", "-e", epoch,
                "-s", into.toString()), extra).toArray(String[]::new);
    }

    private FaultRule once(String method, String pathRegex, Action action) {
        return proxy.when(Match.request(method, pathRegex)).then(action).times(1);
    }

    private void assertCleanAfterFailure(String epoch, int backupsBefore) throws IOException {
        assertEquals(backupsBefore, snapshots(epoch).size(), "no new snapshot");
        Path tombstones = source.resolve(".stream_backup_" + epoch + "/.incomplete");
        if (Files.isDirectory(tombstones)) {
            try (var s = Files.list(tombstones)) {
                assertEquals(List.of(), s.filter(p -> p.getFileName().toString().matches("\\d+")).toList());
            }
        }
        assertEquals(backupsBefore, objects("host/" + epoch + "/").stream().filter(o -> o.key().endsWith("/btrfs_sess_key_enc.dat")).count(),
                "no new marker");
        assertEquals(List.of(), admin.listMultipartUploads(b -> b.bucket(bucket)).uploads(), "open multipart uploads aborted");
    }

    @Test
    void transientFailuresOnEveryKindOfRequestAreRetried() throws IOException {
        TreeGenerator.generate(source, 401, 3L << 20, 1L << 20);
        List<FaultRule> upload = List.of(
                once("PUT", ".*/xaaab", Action.respond(503, "SlowDown")),
                once("PUT", ".*/xaaac", Action.resetAfterRequestBody(1000)),
                once("PUT", ".*/xaaad", Action.stall()),
                once("PUT", ".*/btrfs_sess_key_enc\\.dat", Action.respond(500, "InternalError")));
        Exec.Result backup = viaProxy.backup(s3.backupOnly(), backupArgs("e", "-S", "256K"));
        assertEquals(0, backup.exit(), backup.all());
        for (FaultRule r : upload) {
            assertEquals(1, r.hits(), r.toString());
        }

        List<FaultRule> download = List.of(
                once("GET", ".*/xaaab", Action.resetMidResponse(5000)),
                once("GET", ".*/xaaac", Action.respond(503, "SlowDown")),
                once("GET", ".*/xaaad", Action.stall()),
                once("GET", ".*/btrfs_sess_key_enc\\.dat", Action.respond(500, "InternalError")));
        Exec.Result restored = viaProxy.restore(s3.readOnly(), restoreArgs("e", target));
        assertEquals(0, restored.exit(), restored.all());
        for (FaultRule r : download) {
            assertEquals(1, r.hits(), r.toString());
        }
        assertSameTree(snapshots("e").get(0), target.resolve(snapshots("e").get(0).getFileName().toString()));
    }

    @Test
    void aPersistentFailureEndsInExitTwoWithNothingKept() throws IOException {
        TreeGenerator.generate(source, 402, 24L << 20, 8L << 20);
        backup("e");
        nextSecond();
        TreeGenerator.mutate(source, 403);
        byte[] incompressible = new byte[12 << 20];
        new java.util.Random(1).nextBytes(incompressible);
        Files.write(source.resolve("incompressible"), incompressible);
        // The second part of the first chunk of the increment always fails: a multipart upload is open.
        proxy.when(Match.request("PUT", ".*/xaaaa\\?partNumber=2&.*")).then(Action.respond(500, "InternalError")).always();
        Exec.Result r = viaProxy.backup(s3.backupOnly(), backupArgs("e", "-S", "12M", "--part-size", "5M"));
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("xaaaa") && r.stderr().contains("500"), r.stderr());
        assertCleanAfterFailure("e", 1);
        nextSecond();
        assertEquals(0, backupAllowingFailure("e").exit(), "the next run works");
    }

    @Test
    void aLostResponseIsRetriedIntoA412AndTheBackupStops() throws IOException {
        TreeGenerator.generate(source, 404, 2L << 20, 1L << 20);
        // The server stores the chunk, the client never hears so, retries, and S3 refuses to overwrite.
        once("PUT", ".*/xaaab", Action.resetAfterRequestBody(Long.MAX_VALUE));
        Exec.Result r = viaProxy.backup(s3.backupOnly(), backupArgs("e", "-S", "256K"));
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("412"), r.stderr());
        assertTrue(r.stderr().contains("refused to overwrite"), r.stderr());
        assertCleanAfterFailure("e", 0);
    }

    /**
     * The harness's S3 server does not implement Object Lock (501), so this proves what can be
     * proven here: every upload asks for the retention, and a store that refuses ends the backup
     * cleanly with a message that names the option.
     */
    @Test
    void objectLockRetentionIsRequestedOnEveryUpload() throws IOException {
        TreeGenerator.generate(source, 407, 1L << 20, 1L << 20);
        // Answered by the proxy as S3Proxy would: the server itself answers before reading the body.
        proxy.when(Match.header("x-amz-object-lock-mode", v -> true)).then(Action.respond(501, "NotImplemented")).always();
        Exec.Result r = viaProxy.backup(s3.backupOnly(), backupArgs("e", "--object-lock-mode", "COMPLIANCE",
                "--object-lock-days", "30"));
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("501") && r.stderr().contains("--object-lock-mode"), r.stderr());
        var puts = proxy.requests().stream().filter(q -> q.method().equals("PUT") || q.method().equals("POST")).toList();
        assertTrue(!puts.isEmpty());
        for (var q : puts) {
            assertEquals("COMPLIANCE", q.header("x-amz-object-lock-mode"), q.toString());
            assertTrue(q.header("x-amz-object-lock-retain-until-date") != null, q.toString());
        }
        assertCleanAfterFailure("e", 0);
        Exec.Result half = scripts.backup(s3.backupOnly(), backupArgs("e", "--object-lock-mode", "GOVERNANCE"));
        assertEquals(1, half.exit(), half.all());
    }

    @Test
    void sigtermDuringTheUploadAbortsAndLeavesNothing() throws IOException {
        TreeGenerator.generate(source, 405, 2L << 20, 1L << 20);
        FaultRule hold = proxy.when(Match.request("PUT", ".*/xaaab")).then(Action.stall()).always();
        Exec.Running running = viaProxy.startBackup(s3.backupOnly(), backupArgs("e", "-S", "256K", "--timeout", "600"));
        hold.awaitHit(WAIT);
        Exec.Result r = running.terminate();
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.stderr().contains("termination signal"), "stdout: " + r.out() + " stderr: " + r.stderr());
        assertCleanAfterFailure("e", 0);
    }

    /**
     * kill -9 mid-chunk, just before the marker, and just after the marker was stored (the one
     * window the order leaves): each time the next backup and a restore of the epoch are right.
     */
    @Test
    void killNineAtEveryStepLeavesAnEpochThatContinuesAndRestores() throws IOException {
        TreeGenerator.generate(source, 406, 3L << 20, 1L << 20);
        backup("e", "-S", "256K");
        String marker = ".*/btrfs_sess_key_enc\\.dat";
        List<List<FaultRule>> moments = List.of(
                List.of(proxy.when(Match.request("PUT", ".*/xaaab")).then(Action.stall()).always()),
                List.of(proxy.when(Match.request("PUT", marker)).then(Action.stall()).times(1)),
                List.of(once("PUT", marker, Action.resetAfterRequestBody(Long.MAX_VALUE)),
                        proxy.when(Match.request("PUT", marker)).then(Action.stall()).times(1)));
        for (int i = 0; i < moments.size(); i++) {
            proxy.clearRules();
            List<FaultRule> rules = new ArrayList<>();
            for (FaultRule r : moments.get(i)) {
                rules.add(proxy.when(r.match()).then(r.action()).times(i == 0 ? Integer.MAX_VALUE : 1));
            }
            nextSecond();
            TreeGenerator.mutate(source, 410 + i);
            Exec.Running running = viaProxy.startBackup(s3.backupOnly(), backupArgs("e", "-S", "256K", "--timeout", "600"));
            rules.get(rules.size() - 1).awaitHit(WAIT);
            assertEquals(137, running.kill().exit());
            nextSecond();
            Exec.Result next = backup("e", "-S", "256K");
            assertTrue(next.stderr().contains("WARNING: deleting"), next.stderr());
        }
        long markers = objects("host/e/").stream().filter(o -> o.key().endsWith("/btrfs_sess_key_enc.dat")).count();
        assertEquals(1 + 3 + 1, markers, "first, the three after each kill, and the one stored just before a kill");

        Exec.Result r = restore("e");
        assertEquals(0, r.exit(), r.all());
        for (Path snapshot : snapshots("e")) {
            assertSameTree(snapshot, target.resolve(snapshot.getFileName().toString()));
        }
        Path keepNewest = Files.createDirectory(targetFs.mountPoint().resolve("newest-only"));
        Exec.Result d = scripts.restore(s3.readOnly(), restoreArgs("e", keepNewest, "-d"));
        assertEquals(0, d.exit(), d.all());
        Path newest = snapshots("e").get(snapshots("e").size() - 1);
        try (var left = Files.list(keepNewest)) {
            assertEquals(List.of(keepNewest.resolve(newest.getFileName().toString())), left.toList());
        }
        assertSameTree(newest, keepNewest.resolve(newest.getFileName().toString()));
    }

    @Test
    void killNineOfARestoreMidReceiveIsFinishedByTheNextRun() throws IOException {
        TreeGenerator.generate(source, 420, 3L << 20, 1L << 20);
        backup("e", "-S", "256K");
        nextSecond();
        TreeGenerator.mutate(source, 421);
        Files.write(source.resolve("more-data"), new byte[3 << 20]);
        backup("e", "-S", "256K");
        String second = snapshots("e").get(1).getFileName().toString();
        FaultRule hold = proxy.when(Match.request("GET", ".*/" + second + "_[0-9a-f]+/xaaab")).then(Action.stall()).always();
        Exec.Running running = viaProxy.startRestore(s3.readOnly(), restoreArgs("e", target, "--timeout", "600"));
        hold.awaitHit(WAIT);
        assertEquals(137, running.kill().exit());
        Exec.Result r = restore("e");
        assertEquals(0, r.exit(), r.all());
        for (Path snapshot : snapshots("e")) {
            assertSameTree(snapshot, target.resolve(snapshot.getFileName().toString()));
        }
    }

    @Test
    void aRestoreFetchesLaterBackupsMarkersWhileAnEarlierOneIsSlow() throws IOException {
        TreeGenerator.generate(source, 440, 1L << 20, 512L << 10);
        backup("e");
        for (int i = 0; i < 2; i++) {
            nextSecond();
            TreeGenerator.mutate(source, 441 + i);
            backup("e");
        }
        List<Path> local = snapshots("e");
        String first = local.get(0).getFileName().toString();
        String third = local.get(2).getFileName().toString();
        FaultRule slow = proxy.when(Match.request("GET", ".*/" + first + "_[0-9a-f]+/" + Pattern.quote(ObjectLayout.OPENSSL_MARKER)))
                .then(Action.stall()).always();
        FaultRule ahead = proxy.when(Match.request("GET", ".*/" + third + "_[0-9a-f]+/" + Pattern.quote(ObjectLayout.OPENSSL_MARKER)))
                .then(Action.pass()).always();
        Exec.Running running = viaProxy.startRestore(s3.readOnly(), restoreArgs("e", target, "--timeout", "600"));
        slow.awaitHit(WAIT);
        // Only a restore that fetches ahead asks for the third marker before it has the first.
        ahead.awaitHit(WAIT);
        slow.release();
        Exec.Result r = running.await();
        assertEquals(0, r.exit(), r.all());
        for (Path snapshot : local) {
            assertSameTree(snapshot, target.resolve(snapshot.getFileName().toString()));
        }
    }

    @Test
    void aFullDestinationIsExitTwoAndKeepsTheLastGoodSnapshot() throws IOException {
        TreeGenerator.generate(source, 430, 2L << 20, 1L << 20);
        backup("e");
        nextSecond();
        byte[] big = new byte[1 << 20];
        new java.util.Random(2).nextBytes(big);
        try (var out = Files.newOutputStream(source.resolve("too-big"))) {
            for (int i = 0; i < 400; i++) {
                out.write(big);
                big[0]++;
            }
        }
        backup("e");
        try (LoopbackBtrfs small = LoopbackBtrfs.create("small", 256L << 20)) {
            Exec.Result r = scripts.restore(s3.readOnly(), restoreArgs("e", small.mountPoint()));
            assertEquals(2, r.exit(), r.all());
            assertTrue(r.stderr().contains("No space left"), r.stderr());
            Path first = snapshots("e").get(0);
            assertTrue(r.out().contains("Last snapshot successfully restored in: " + small.mountPoint().resolve(
                    first.getFileName().toString())), r.out());
            assertSameTree(first, small.mountPoint().resolve(first.getFileName().toString()));
            assertFalse(Files.exists(small.mountPoint().resolve(snapshots("e").get(1).getFileName().toString())));
        }
    }
}
