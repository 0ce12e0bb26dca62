package btrfss3.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A run's summary as a file for node_exporter's textfile collector, in the Prometheus text
 * exposition format. The file describes the last run of one job (one subvolume, prefix and epoch):
 * each run replaces it whole, through a temporary file in the same directory and a rename, so the
 * collector never reads half of it. A failed run carries over the last success time of the file
 * it replaces, so that an alert on "no success for a day" keeps working across failures.
 */
public final class PrometheusTextfile {
    static final String PREFIX = "btrfs_send_s3_";
    static final String LAST_SUCCESS = PREFIX + "last_success_timestamp_seconds";

    private PrometheusTextfile() {}

    /** Writes {@code file} atomically, mode 0644, keeping its last success time if this run failed. */
    public static void write(Path file, RunSummary s) throws IOException {
        double lastSuccess = s.success() ? seconds(s.finished()) : previousSuccess(file);
        writeAtomically(file, render(s, lastSuccess));
    }

    /** The last success time in an existing file, 0 (never) when there is no file or no such sample. */
    static double previousSuccess(Path file) throws IOException {
        try {
            return lastSuccess(Files.readString(file, StandardCharsets.UTF_8)).orElse(0);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /**
     * The value of the last success sample in a file this class wrote. Its labels are not compared:
     * the file belongs to one job, whose epoch label changes when a new epoch starts.
     */
    static OptionalDouble lastSuccess(String text) {
        for (String line : text.split("\n")) {
            if (line.startsWith(LAST_SUCCESS + "{") || line.startsWith(LAST_SUCCESS + " ")) {
                // The value follows the labels, whose quoted values may hold spaces and braces.
                String[] words = afterLabels(line).trim().split(" +");
                try {
                    double v = Double.parseDouble(words[0]);
                    if (Double.isFinite(v) && v >= 0) {
                        return OptionalDouble.of(v);
                    }
                } catch (NumberFormatException e) {
                    // Not ours, or damaged: treated as no success known.
                }
            }
        }
        return OptionalDouble.empty();
    }

    private static String afterLabels(String line) {
        int i = line.indexOf('{');
        if (i < 0) {
            return line.substring(line.indexOf(' '));
        }
        boolean quoted = false;
        for (i++; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '}' && !quoted) {
                return line.substring(i + 1);
            }
        }
        return "";
    }

    /** The file's text; {@code lastSuccess} is in Unix seconds, 0 for never. */
    static String render(RunSummary s, double lastSuccess) {
        String labels = labels(s);
        StringBuilder b = new StringBuilder();
        gauge(b, "last_run_timestamp_seconds", "When the last run ended, in Unix time.", labels, number(seconds(s.finished())));
        gauge(b, "last_success_timestamp_seconds",
                "When the last successful run ended, in Unix time; 0 if none is known.", labels, number(lastSuccess));
        gauge(b, "last_exit_code", "Exit code of the last run (0: success).", labels, Integer.toString(s.exitCode()));
        gauge(b, "last_duration_seconds", "How long the last run took.", labels, number(s.duration().toMillis() / 1000.0));
        for (RunSummary.Amount a : s.amounts()) {
            gauge(b, "last_" + snakeCase(a.name()), a.help(), labels, Long.toString(a.value()));
        }
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, String labels, String value) {
        b.append("# HELP ").append(PREFIX).append(name).append(' ').append(escapeHelp(help)).append('\n');
        b.append("# TYPE ").append(PREFIX).append(name).append(" gauge\n");
        b.append(PREFIX).append(name).append(labels).append(' ').append(value).append('\n');
    }

    private static String labels(RunSummary s) {
        List<String> pairs = new ArrayList<>();
        pairs.add("command=\"" + escapeLabelValue(s.command()) + "\"");
        for (Map.Entry<String, String> e : s.labels().entrySet()) {
            pairs.add(snakeCase(e.getKey()) + "=\"" + escapeLabelValue(e.getValue()) + "\"");
        }
        return "{" + String.join(",", pairs) + "}";
    }

    /** Label values escape backslash, double quote and line feed, as the exposition format requires. */
    static String escapeLabelValue(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** HELP text escapes backslash and line feed (a quote is literal there). */
    static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static double seconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    /** A sample value: whole numbers without a fraction, others to the millisecond, never in exponent form. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /**
     * Temporary file beside the target (a rename is atomic only within a file system), named with a
     * leading dot and no .prom suffix so the collector never reads it; flushed to disk before the
     * rename, so a crash leaves the old file or the new one.
     */
    static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
