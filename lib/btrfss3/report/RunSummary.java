package btrfss3.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A finished run as {@link RunReport} froze it.
 *
 * @param status     "ok" (exit 0), "partial" (another success code: the work is done, something
 *                   around it is not) or "failed"
 * @param success    whether the exit code is one of the command's success codes
 * @param error      the one-line error message, or null
 * @param throughput bytes per second of the run's main amount over its whole duration, or null
 *                   when there is none or no time passed
 */
public record RunSummary(String command, String version, String status, boolean success, int exitCode, String error,
                         Map<String, String> labels, Map<String, Object> facts, List<Amount> amounts,
                         Instant started, Instant finished, Duration duration, Long throughput) {

    public record Amount(String name, String help, long value) {}

    public RunSummary {
        labels = Collections.unmodifiableMap(labels);
        facts = Collections.unmodifiableMap(facts);
    }
}
