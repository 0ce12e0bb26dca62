package btrfss3.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.cli.Failure;
import btrfss3.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportOptionsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ReportOptions options = new ReportOptions(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    @TempDir
    Path dir;

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void underJsonStdoutCarriesTheJsonLineAndNothingElse() {
        options.json = true;
        options.begin("backup", Set.of(0)).label("epoch", "e");
        options.start();
        var log = options.log(true);
        log.info("Backing up");
        log.result("Stored");
        options.end(0, null);
        assertEquals("Backing up\nStored\n", err());
        assertTrue(out().endsWith("\n"));
        assertEquals(1, out().lines().count(), out());
        Map<String, Object> json = Json.parseObject(out().strip());
        assertEquals("ok", json.get("status"));
        assertEquals("e", json.get("epoch"));
    }

    @Test
    void withoutJsonTheLogKeepsItsStreamsAndNothingIsAdded() {
        options.begin("backup", Set.of(0));
        options.start();
        options.log(true).info("Backing up");
        options.end(0, null);
        assertEquals("Backing up\n", out());
        assertEquals("", err());
    }

    @Test
    void aProblemWithTheOptionsIsAUsageErrorThatIsReportedToo() {
        options.json = true;
        options.prometheusFile = dir.resolve("missing/backup.prom");
        options.begin("backup", Set.of(0));
        Failure f = assertThrows(Failure.class, options::start);
        assertEquals(1, f.exitCode());
        assertTrue(f.getMessage().startsWith("--prometheus-file: directory "), f.getMessage());
        options.end(1, f.getMessage());
        Map<String, Object> json = Json.parseObject(out().strip());
        assertEquals("failed", json.get("status"));
        assertEquals(1L, json.get("exitCode"));
        assertEquals(f.getMessage(), json.get("error"));
    }

    @Test
    void aMetricsFileThatCannotBeWrittenIsAWarningAndTheJsonStillComes() throws IOException {
        options.json = true;
        options.prometheusFile = dir.resolve("backup.prom");
        options.begin("backup", Set.of(0));
        options.start();
        // The file's place is taken by a directory after the options were checked.
        Files.createDirectories(dir.resolve("backup.prom/x"));
        options.end(0, null);
        assertTrue(err().startsWith("WARNING: could not write the metrics file " + dir.resolve("backup.prom")), err());
        assertEquals("ok", Json.parseObject(out().strip()).get("status"));
    }

    @Test
    void progressIsShownWhenForcedAndNeverWhenRefused() {
        options.begin("backup", Set.of(0));
        options.progress = ReportOptions.When.ALWAYS;
        ProgressDisplay shown = options.start();
        assertTrue(shown.isOn());
        shown.close();
        options.progress = ReportOptions.When.NEVER;
        assertFalse(options.start().isOn());
        options.progress = ReportOptions.When.AUTO;
        options.noProgress = true;
        assertFalse(options.start().isOn());
        options.progress = ReportOptions.When.ALWAYS;
        assertThrows(Failure.class, options::start);
    }

    @Test
    void nothingIsReportedForARunThatNeverBegan() {
        options.json = true;
        options.end(1, "x");
        assertEquals("", out());
    }
}
