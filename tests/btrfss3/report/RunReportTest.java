package btrfss3.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunReportTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-05-01T02:30:00Z"));

    private RunReport report() {
        return new RunReport("backup", clock, Set.of(0, 4));
    }

    @Test
    void amountsAreReadWhenTheRunEndsAndGiveTheThroughput() {
        RunReport r = report();
        var sent = r.counter("bytesSent", "sent");
        r.throughputOf("bytesSent");
        sent.add(1000);
        clock.advance(Duration.ofMillis(2500));
        sent.add(4000);
        RunSummary s = r.finish(0, null);
        assertEquals(List.of(new RunSummary.Amount("bytesSent", "sent", 5000)), s.amounts());
        assertEquals(2000L, s.throughput());
        assertEquals(Duration.ofMillis(2500), s.duration());
        assertEquals(Instant.parse("2026-05-01T02:30:00Z"), s.started());
        assertEquals(Instant.parse("2026-05-01T02:30:02.500Z"), s.finished());
    }

    @Test
    void theStatusFollowsTheExitCodeAndTheCommandsSuccessCodes() {
        assertEquals("ok", report().finish(0, null).status());
        RunSummary partial = report().finish(4, "the backup is stored, but ...");
        assertEquals("partial", partial.status());
        assertTrue(partial.success());
        RunSummary failed = report().finish(2, "backup failed");
        assertEquals("failed", failed.status());
        assertFalse(failed.success());
        assertEquals("backup failed", failed.error());
    }

    @Test
    void noTimeMeansNoThroughputRatherThanInfinity() {
        RunReport r = report();
        r.counter("bytesSent", "sent").add(10);
        r.throughputOf("bytesSent");
        assertNull(r.finish(0, null).throughput());
    }

    @Test
    void entriesKeepTheOrderTheyWereFirstGivenIn() {
        RunReport r = report().label("bucket", "b").label("epoch", "e").fact("seq", null).fact("type", null);
        r.fact("seq", 5L);
        RunSummary s = r.finish(0, null);
        assertEquals(List.of("bucket", "epoch"), List.copyOf(s.labels().keySet()));
        assertEquals(List.of("seq", "type"), List.copyOf(s.facts().keySet()));
        assertEquals(5L, s.facts().get("seq"));
    }

    @Test
    void namesAreCamelCaseUniqueAndNotTheFixedFields() {
        RunReport r = report().label("epoch", "e");
        assertThrows(IllegalArgumentException.class, () -> r.fact("epoch", "x"));
        assertThrows(IllegalArgumentException.class, () -> r.fact("status", "x"));
        assertThrows(IllegalArgumentException.class, () -> r.label("bytes_sent", "x"));
        assertThrows(IllegalArgumentException.class, () -> r.throughputOf("nothing"));
    }
}
