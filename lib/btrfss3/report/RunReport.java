package btrfss3.report;

import btrfss3.Dependencies;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * What one run did, gathered as it goes and frozen into a {@link RunSummary} when it ends, for
 * {@code --json} and {@code --prometheus-file}. Three kinds of entries, each shown in the order
 * it was first given:
 * <ul>
 *   <li>labels: what names the job (bucket, prefix, epoch, the subvolume); JSON fields and
 *       Prometheus labels;</li>
 *   <li>facts: what this run found or decided (its SEQ, its parent); JSON only;</li>
 *   <li>amounts: numbers (bytes, chunks); JSON fields and Prometheus gauges, read at the end, so a
 *       failed run reports how far it got.</li>
 * </ul>
 * Declaring an entry early with a null or zero value keeps the JSON's fields the same on every
 * run, failed or not. Entries may be given from any thread.
 */
public final class RunReport {
    private static final Pattern NAME = Pattern.compile("[a-z][A-Za-z0-9]*");
    /** The fields every summary has. */
    static final Set<String> RESERVED = Set.of("status", "exitCode", "version", "command", "durationSeconds",
            "throughputBytesPerSecond", "started", "finished", "error");

    private final String command;
    private final Clock clock;
    private final Set<Integer> successCodes;
    private final Instant started;
    private final Progress progress = new Progress();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, Object> facts = new LinkedHashMap<>();
    private final Map<String, Amount> amounts = new LinkedHashMap<>();
    private String throughputOf;

    private record Amount(String help, LongSupplier value) {}

    /**
     * Starts the report now.
     *
     * @param successCodes the exit codes after which the run's work is done (backup: 0, and 4 where
     *                     the backup is stored but an old snapshot stayed); they set the last success time
     */
    public RunReport(String command, Clock clock, Set<Integer> successCodes) {
        this.command = command;
        this.clock = clock;
        this.successCodes = Set.copyOf(successCodes);
        this.started = clock.instant();
    }

    /** The run's live counters, for the hot path and the progress line. */
    public Progress progress() {
        return progress;
    }

    public String command() {
        return command;
    }

    /** A name of the job: a JSON field and a Prometheus label. Null values become "". */
    public synchronized RunReport label(String name, String value) {
        labels.put(checked(name, labels), value == null ? "" : value);
        return this;
    }

    /** A JSON field: a string, number, boolean, null, or a map or list of those ({@link btrfss3.json.Json}). */
    public synchronized RunReport fact(String name, Object value) {
        facts.put(checked(name, facts), value);
        return this;
    }

    /**
     * A number read when the run ends: a JSON field, and the Prometheus gauge
     * {@code btrfs_send_s3_last_<name in snake case>} with this help text. Gauges of the same name
     * are merged across files by the textfile collector, so give the same help for the same name.
     */
    public synchronized RunReport amount(String name, String help, LongSupplier value) {
        amounts.put(checked(name, amounts), new Amount(help, value));
        return this;
    }

    /** An amount that is counted up as the run goes: cheap to add to from any thread. */
    public LongAdder counter(String name, String help) {
        LongAdder adder = new LongAdder();
        amount(name, help, adder::sum);
        return adder;
    }

    /** The amount that the throughput is computed from (bytes per second of the whole run). */
    public synchronized RunReport throughputOf(String amountName) {
        if (!amounts.containsKey(amountName)) {
            throw new IllegalArgumentException("no amount " + amountName);
        }
        throughputOf = amountName;
        return this;
    }

    /** Freezes the report with how the run ended. */
    public synchronized RunSummary finish(int exitCode, String error) {
        Instant finished = clock.instant();
        Duration duration = Duration.between(started, finished);
        if (duration.isNegative()) {
            duration = Duration.ZERO;
        }
        List<RunSummary.Amount> values = new ArrayList<>();
        Long throughput = null;
        for (var e : amounts.entrySet()) {
            long v = e.getValue().value().getAsLong();
            values.add(new RunSummary.Amount(e.getKey(), e.getValue().help(), v));
            if (e.getKey().equals(throughputOf)) {
                long millis = duration.toMillis();
                throughput = millis == 0 ? null : Math.round(v * 1000.0 / millis);
            }
        }
        boolean success = successCodes.contains(exitCode);
        String status = exitCode == 0 ? "ok" : success ? "partial" : "failed";
        return new RunSummary(command, Dependencies.TOOL_VERSION, status, success, exitCode, error,
                new LinkedHashMap<>(labels),
                new LinkedHashMap<>(facts), List.copyOf(values), started, finished, duration, throughput);
    }

    /** A name is a camelCase word, used by one kind of entry only, and none of the fixed fields. */
    private String checked(String name, Map<String, ?> kind) {
        if (!NAME.matcher(name).matches() || RESERVED.contains(name)) {
            throw new IllegalArgumentException("not a name for a report entry: " + name);
        }
        for (Map<String, ?> other : List.of(labels, facts, amounts)) {
            if (other != kind && other.containsKey(name)) {
                throw new IllegalArgumentException("report entry " + name + " is given twice");
            }
        }
        return name;
    }
}
