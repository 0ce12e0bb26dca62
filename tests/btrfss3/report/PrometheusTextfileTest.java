package btrfss3.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusTextfileTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-05-01T02:30:00Z"));
    @TempDir
    Path dir;

    private RunSummary run(String epoch, int exitCode, long bytes) {
        RunReport r = new RunReport("backup", clock, Set.of(0, 4)).label("prefix", "host").label("epoch", epoch)
                .label("subvolume", "/home");
        r.counter("bytesSent", "Bytes of the btrfs send stream of the last run.").add(bytes);
        clock.advance(Duration.ofMillis(12_345));
        return r.finish(exitCode, exitCode == 0 ? null : "failed");
    }

    @Test
    void theFileFollowsTheExpositionFormat() {
        String labels = "{command=\"backup\",prefix=\"host\",epoch=\"e\",subvolume=\"/home\"}";
        assertEquals("""
                # HELP btrfs_send_s3_last_run_timestamp_seconds When the last run ended, in Unix time.
                # TYPE btrfs_send_s3_last_run_timestamp_seconds gauge
                btrfs_send_s3_last_run_timestamp_seconds%1$s 1777602612.345
                # HELP btrfs_send_s3_last_success_timestamp_seconds When the last successful run ended, in Unix time; 0 if none is known.
                # TYPE btrfs_send_s3_last_success_timestamp_seconds gauge
                btrfs_send_s3_last_success_timestamp_seconds%1$s 1777602612.345
                # HELP btrfs_send_s3_last_exit_code Exit code of the last run (0: success).
                # TYPE btrfs_send_s3_last_exit_code gauge
                btrfs_send_s3_last_exit_code%1$s 0
                # HELP btrfs_send_s3_last_duration_seconds How long the last run took.
                # TYPE btrfs_send_s3_last_duration_seconds gauge
                btrfs_send_s3_last_duration_seconds%1$s 12.345
                # HELP btrfs_send_s3_last_bytes_sent Bytes of the btrfs send stream of the last run.
                # TYPE btrfs_send_s3_last_bytes_sent gauge
                btrfs_send_s3_last_bytes_sent%1$s 123456789012
                """.formatted(labels), PrometheusTextfile.render(run("e", 0, 123456789012L), 1777602612.345));
    }

    @Test
    void labelValuesEscapeBackslashQuoteAndNewline() {
        assertEquals("a\\\\b\\\"c\\nd", PrometheusTextfile.escapeLabelValue("a\\b\"c\nd"));
        assertEquals("x\\\\y \"q\"\\nz", PrometheusTextfile.escapeHelp("x\\y \"q\"\nz"));
        RunReport r = new RunReport("backup", clock, Set.of(0)).label("subvolume", "/mnt/we\"ird\\\npath");
        String text = PrometheusTextfile.render(r.finish(0, null), 0);
        assertTrue(text.contains("{command=\"backup\",subvolume=\"/mnt/we\\\"ird\\\\\\npath\"} "), text);
        assertEquals(OptionalDouble.of(0), PrometheusTextfile.lastSuccess(text));
    }

    @Test
    void namesAreSnakeCase() {
        assertEquals("bytes_sent", PrometheusTextfile.snakeCase("bytesSent"));
        assertEquals("chunks", PrometheusTextfile.snakeCase("chunks"));
        assertEquals("backups_restored2", PrometheusTextfile.snakeCase("backupsRestored2"));
    }

    @Test
    void numbersNeverUseExponents() {
        assertEquals("0", PrometheusTextfile.number(0));
        assertEquals("1777602612", PrometheusTextfile.number(1777602612.0));
        assertEquals("1777602612.345", PrometheusTextfile.number(1777602612.345));
        assertEquals("0.001", PrometheusTextfile.number(0.001));
    }

    @Test
    void theFileIsReplacedWholeWithMode0644AndNoTemporaryFileLeft() throws IOException {
        Path file = dir.resolve("backup-home.prom");
        Files.writeString(file, "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        PrometheusTextfile.write(file, run("e", 0, 1));
        assertTrue(Files.readString(file).startsWith("# HELP btrfs_send_s3_last_run_timestamp_seconds"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aFailureKeepsTheLastSuccessTimeEvenInANewEpoch() throws IOException {
        Path file = dir.resolve("backup-home.prom");
        RunSummary good = run("2026-04", 0, 1);
        PrometheusTextfile.write(file, good);
        double success = good.finished().toEpochMilli() / 1000.0;
        clock.advance(Duration.ofDays(1));
        PrometheusTextfile.write(file, run("2026-05", 2, 0));
        String text = Files.readString(file);
        assertEquals(OptionalDouble.of(success), PrometheusTextfile.lastSuccess(text));
        assertTrue(text.contains("btrfs_send_s3_last_exit_code{command=\"backup\",prefix=\"host\",epoch=\"2026-05\","
                + "subvolume=\"/home\"} 2\n"), text);
        clock.advance(Duration.ofDays(1));
        PrometheusTextfile.write(file, run("2026-05", 2, 0));
        assertEquals(OptionalDouble.of(success), PrometheusTextfile.lastSuccess(Files.readString(file)), "and again");
    }

    @Test
    void aPartialRunIsASuccessAndAFailureWithoutHistoryIsNever() throws IOException {
        Path file = dir.resolve("a.prom");
        PrometheusTextfile.write(file, run("e", 2, 0));
        assertEquals(OptionalDouble.of(0), PrometheusTextfile.lastSuccess(Files.readString(file)));
        RunSummary partial = run("e", 4, 1);
        PrometheusTextfile.write(file, partial);
        assertEquals(OptionalDouble.of(partial.finished().toEpochMilli() / 1000.0),
                PrometheusTextfile.lastSuccess(Files.readString(file)));
    }

    @Test
    void theLastSuccessIsFoundBehindLabelsThatLookLikeTheEndOfLabels() {
        String text = "# HELP x y\nbtrfs_send_s3_last_success_timestamp_seconds{subvolume=\"/a} 5\\\" {\"} 42.5 1700000000000\n";
        assertEquals(OptionalDouble.of(42.5), PrometheusTextfile.lastSuccess(text));
        assertEquals(OptionalDouble.empty(), PrometheusTextfile.lastSuccess("garbage\n"));
        assertEquals(OptionalDouble.empty(), PrometheusTextfile.lastSuccess("btrfs_send_s3_last_success_timestamp_seconds{a=\"b\"} NaN\n"));
    }
}
