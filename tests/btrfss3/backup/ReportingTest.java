package btrfss3.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.Dependencies;
import btrfss3.json.Json;
import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.support.Scripts;
import btrfss3.testenv.FaultProxy;
import btrfss3.testenv.FaultProxy.Action;
import btrfss3.testenv.FaultProxy.Match;
import btrfss3.testenv.TreeGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/** --json, --prometheus-file and --progress of real backups, good and failed. */
class ReportingTest extends BtrfsS3Test {
    @TempDir
    Path metricsDir;

    private Path metricsFile() {
        return metricsDir.resolve("backup-data.prom");
    }

    /** The one line a --json run prints on stdout. */
    private static Map<String, Object> json(Exec.Result r) {
        List<String> lines = r.out().lines().toList();
        assertEquals(1, lines.size(), () -> "stdout is exactly one line: " + r.all());
        return Json.parseObject(lines.get(0));
    }

    /** The value of a metric in the Prometheus file, whatever its labels. */
    private double metric(String name) throws IOException {
        Matcher m = Pattern.compile("(?m)^btrfs_send_s3_" + name + "\\{[^\\n]*\\} (\\S+)$").matcher(Files.readString(metricsFile()));
        assertTrue(m.find(), name);
        return Double.parseDouble(m.group(1));
    }

    private String labels(String epoch) {
        return "{command=\"backup\",bucket=\"" + bucket + "\",prefix=\"host\",epoch=\"" + epoch + "\",subvolume=\"" + source + "\"}";
    }

    @Test
    void aBackupReportsWhatItStoredAsJsonAndInThePrometheusFile() throws IOException {
        TreeGenerator.generate(source, 501, 3L << 20, 1L << 20);
        Exec.Result r = backup("e", "-S", "256K", "--json", "--prometheus-file", metricsFile().toString());
        Map<String, Object> j = json(r);
        assertFalse(r.stderr().contains("\r") || r.stderr().contains("chunk"), "no progress without a terminal: " + r.stderr());

        Map<String, List<S3Object>> folders = objectsBySequence("host/e/");
        assertEquals(1, folders.size());
        String folder = folders.keySet().iterator().next();
        List<S3Object> stored = folders.get(folder);
        long chunks = stored.stream().filter(o -> o.key().matches(".*/x[a-z]{4}")).count();
        assertTrue(chunks > 1, "several chunks: " + chunks);
        Path snapshot = snapshots("e").get(0);
        long seq = Long.parseLong(snapshot.getFileName().toString());

        assertEquals("ok", j.get("status"));
        assertEquals(0L, j.get("exitCode"));
        assertEquals(Dependencies.TOOL_VERSION, j.get("version"));
        assertEquals("backup", j.get("command"));
        assertEquals(bucket, j.get("bucket"));
        assertEquals("host", j.get("prefix"));
        assertEquals("e", j.get("epoch"));
        assertEquals(source.toString(), j.get("subvolume"));
        assertEquals(seq, j.get("seq"));
        assertTrue(folder.startsWith("host/e/" + seq + "_"), folder);
        assertEquals("full", j.get("type"));
        assertNull(j.get("parent"));
        assertEquals(chunks, j.get("chunks"));
        assertEquals(stored.stream().mapToLong(S3Object::size).sum(), j.get("bytesStored"), "chunks, manifest and marker");
        long sendBytes = Exec.check(List.of("btrfs", "send", "-q", snapshot.toString()), null).length;
        assertEquals(sendBytes, j.get("bytesSent"));
        double duration = (Double) j.get("durationSeconds");
        assertTrue(duration > 0, "duration " + duration);
        assertEquals(sendBytes / duration, ((Long) j.get("throughputBytesPerSecond")).doubleValue(), sendBytes / duration / 100);
        Instant started = Instant.parse((String) j.get("started"));
        Instant finished = Instant.parse((String) j.get("finished"));
        // Both times are cut to the millisecond, the duration is not.
        assertEquals(Duration.between(started, finished).toMillis(), duration * 1000, 1.0);
        assertTrue(j.containsKey("error") && j.get("error") == null);

        String text = Files.readString(metricsFile());
        assertTrue(text.contains("btrfs_send_s3_last_exit_code" + labels("e") + " 0\n"), text);
        assertTrue(text.contains("# TYPE btrfs_send_s3_last_bytes_stored gauge\n"), text);
        assertEquals(finished.toEpochMilli() / 1000.0, metric("last_run_timestamp_seconds"));
        assertEquals(finished.toEpochMilli() / 1000.0, metric("last_success_timestamp_seconds"));
        assertEquals(sendBytes, (long) metric("last_bytes_sent"));
        assertEquals(j.get("bytesStored"), (long) metric("last_bytes_stored"));
        assertEquals(chunks, (long) metric("last_chunks"));
        assertEquals(duration, metric("last_duration_seconds"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(metricsFile())));

        nextSecond();
        Files.writeString(source.resolve("change.txt"), "changed");
        Map<String, Object> increment = json(backup("e", "--json"));
        assertEquals("incremental", increment.get("type"));
        assertEquals(Map.of("epoch", "e", "seq", seq), increment.get("parent"));
        assertEquals(Long.parseLong(snapshots("e").get(1).getFileName().toString()), increment.get("seq"));
    }

    @Test
    void aFailedBackupStillReportsAndTheMetricsKeepTheLastSuccessTime() throws IOException {
        TreeGenerator.generate(source, 502, 2L << 20, 1L << 20);
        backup("e", "--prometheus-file", metricsFile().toString());
        double success = metric("last_success_timestamp_seconds");
        assertEquals(success, metric("last_run_timestamp_seconds"));
        nextSecond();
        TreeGenerator.mutate(source, 503);

        // S3 refuses every upload of the increment's first chunk: a persistent failure, exit 2.
        try (FaultProxy proxy = FaultProxy.start(s3.endpoint())) {
            proxy.when(Match.request("PUT", ".*/xaaaa(\\?.*)?")).then(Action.respond(403, "AccessDenied")).always();
            Exec.Result r = scripts.via(proxy.endpoint()).backup(s3.backupOnly(), "-k", keys.publicKey.toString(),
                    "-p", "host", "-e", "e", "-c", "STANDARD", "-s", source.toString(),
                    "--json", "--prometheus-file", metricsFile().toString());
            assertEquals(2, r.exit(), r.all());
            Map<String, Object> j = json(r);
            assertEquals("failed", j.get("status"));
            assertEquals(2L, j.get("exitCode"));
            String error = (String) j.get("error");
            assertTrue(error.startsWith("backup failed, nothing was kept") && error.contains("403"), error);
            assertTrue(r.stderr().contains("ERROR: " + error), r.stderr());
            assertEquals("incremental", j.get("type"), "the run got as far as its plan");
            assertNotNull(j.get("seq"));
            assertEquals(0L, j.get("chunks"));
        }
        assertEquals(2, metric("last_exit_code"));
        assertEquals(success, metric("last_success_timestamp_seconds"), "the last success is kept");
        assertTrue(metric("last_run_timestamp_seconds") > success);

        // A usage error found before anything was done is reported the same way. Credentials that
        // may list learn that the bucket is missing before any snapshot; PutObject-only ones cannot.
        nextSecond();
        Exec.Result r = new Scripts(s3, "no-such-bucket").backup(s3.admin(), "-k", keys.publicKey.toString(),
                "-p", "host", "-e", "e", "-c", "STANDARD", "-s", source.toString(),
                "--json", "--prometheus-file", metricsFile().toString());
        assertEquals(1, r.exit(), r.all());
        Map<String, Object> j = json(r);
        assertEquals("failed", j.get("status"));
        assertEquals(1L, j.get("exitCode"));
        assertEquals("bucket no-such-bucket does not exist", j.get("error"));
        assertNull(j.get("seq"), "no SEQ was taken");
        assertEquals(1, metric("last_exit_code"));
        assertEquals(success, metric("last_success_timestamp_seconds"));
    }

    @Test
    void anOptionErrorAfterParsingIsReportedInJsonToo() throws IOException {
        Exec.Result r = backupAllowingFailure("e", "--object-lock-days", "3", "--json");
        assertEquals(1, r.exit(), r.all());
        Map<String, Object> j = json(r);
        assertEquals(1L, j.get("exitCode"));
        assertEquals("--object-lock-mode and --object-lock-days (at least 1) go together", j.get("error"));
        assertEquals(0L, j.get("bytesSent"));
        assertTrue(j.containsKey("seq") && j.get("seq") == null, "the same fields as a good run: " + j);

        r = backupAllowingFailure("e", "--prometheus-file", "/nonexistent/backup.prom", "--json");
        assertEquals(1, r.exit(), r.all());
        assertEquals("--prometheus-file: directory /nonexistent does not exist", json(r).get("error"));
    }

    @Test
    void progressForcedOnShowsTheChunkAndBytesOnStderr() throws IOException {
        TreeGenerator.generate(source, 504, 3L << 20, 1L << 20);
        Exec.Result r = backup("e", "-S", "256K", "--progress=always");
        assertEquals("", r.out(), "a good run still prints nothing on stdout");
        Matcher line = Pattern.compile("\rchunk (\\d+)  (\\d+\\.\\d+ MiB)[^\r\n]*\n$").matcher(r.stderr());
        assertTrue(line.find(), () -> "the final progress line ends the output: " + r.stderr().replace("\r", "\\r"));
        long chunks = objects("host/e/").stream().filter(o -> o.key().matches(".*/x[a-z]{4}")).count();
        assertEquals(chunks, Long.parseLong(line.group(1)), "the last chunk's number");

        nextSecond();
        Exec.Result quiet = backup("e", "--no-progress", "-v");
        assertFalse(quiet.stderr().contains("\r"), quiet.stderr());
        assertTrue(quiet.out().startsWith("Backing up"), quiet.out());
    }

    @Test
    void onATerminalProgressIsShownWithoutBeingAskedFor() throws IOException {
        TreeGenerator.generate(source, 505, 2L << 20, 1L << 20);
        String command = scripts.command("backup", "-k", keys.publicKey.toString(), "-p", "host", "-e", "e",
                        "-c", "STANDARD", "-s", source.toString(), "-S", "256K").stream()
                .map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
        // script(1) runs the backup on a pseudo-terminal, as an admin's shell would.
        Exec.Result r = Exec.run(List.of("script", "-qec", command, "/dev/null"), null, scripts.env(s3.backupOnly()), null);
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("\rchunk "), r.out().replace("\r", "\\r"));
    }
}
