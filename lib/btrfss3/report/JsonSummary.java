package btrfss3.report;

import btrfss3.json.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's summary as one line of JSON, what {@code --json} prints on stdout:
 * {@code status, exitCode, version, command}, then the labels, facts and amounts the command
 * gave, then {@code durationSeconds, throughputBytesPerSecond, started, finished, error}.
 * Times are ISO-8601 in UTC to the millisecond; an absent value is null, never a missing field.
 */
public final class JsonSummary {
    private JsonSummary() {}

    public static String line(RunSummary s) {
        return Json.write(fields(s));
    }

    static Map<String, Object> fields(RunSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", s.status());
        m.put("exitCode", (long) s.exitCode());
        m.put("version", s.version());
        m.put("command", s.command());
        m.putAll(s.labels());
        m.putAll(s.facts());
        for (RunSummary.Amount a : s.amounts()) {
            m.put(a.name(), a.value());
        }
        m.put("durationSeconds", s.duration().toMillis() / 1000.0);
        m.put("throughputBytesPerSecond", s.throughput());
        m.put("started", iso(s.started()));
        m.put("finished", iso(s.finished()));
        m.put("error", s.error());
        return m;
    }

    private static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
