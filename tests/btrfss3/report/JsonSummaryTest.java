package btrfss3.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import btrfss3.support.TestClock;
import btrfss3.Dependencies;
import btrfss3.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonSummaryTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-05-01T02:30:00.123456Z"));

    @Test
    void aGoodRunIsOneLineWithEveryFieldInOrder() {
        RunReport r = new RunReport("backup", clock, Set.of(0)).label("bucket", "b").label("prefix", "host")
                .fact("seq", 1777602600L).fact("parent", null);
        r.counter("bytesSent", "sent").add(3_000_000);
        r.throughputOf("bytesSent");
        clock.advance(Duration.ofMillis(1500));
        String line = JsonSummary.line(r.finish(0, null));
        assertFalse(line.contains("\n"));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("status", "ok");
        expected.put("exitCode", 0L);
        expected.put("version", Dependencies.TOOL_VERSION);
        expected.put("command", "backup");
        expected.put("bucket", "b");
        expected.put("prefix", "host");
        expected.put("seq", 1777602600L);
        expected.put("parent", null);
        expected.put("bytesSent", 3_000_000L);
        expected.put("durationSeconds", 1.5);
        expected.put("throughputBytesPerSecond", 2_000_000L);
        expected.put("started", "2026-05-01T02:30:00.123Z");
        expected.put("finished", "2026-05-01T02:30:01.623Z");
        expected.put("error", null);
        Map<String, Object> parsed = Json.parseObject(line);
        assertEquals(expected, parsed);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(parsed.keySet()));
    }

    @Test
    void aFailedRunCarriesItsErrorAndExitCode() {
        RunSummary s = new RunReport("backup", clock, Set.of(0)).finish(2, "upload of host/e/x/xaaaa failed: \"500\"");
        Map<String, Object> parsed = Json.parseObject(JsonSummary.line(s));
        assertEquals("failed", parsed.get("status"));
        assertEquals(2L, parsed.get("exitCode"));
        assertEquals("upload of host/e/x/xaaaa failed: \"500\"", parsed.get("error"));
        assertEquals(null, parsed.get("throughputBytesPerSecond"));
    }
}
