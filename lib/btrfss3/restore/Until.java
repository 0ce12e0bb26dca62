package btrfss3.restore;

import btrfss3.cli.Failure;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * {@code --until}: the last moment whose backups are restored, as Unix seconds. SEQ is the Unix
 * second a backup was taken at, so a SEQ and a time are the same kind of value.
 */
public final class Until {
    private Until() {}

    /**
     * Accepts Unix seconds (a SEQ), an ISO-8601 date-time with offset or Z, a date-time without
     * offset (taken as UTC), or a date (the whole day, UTC, is included).
     */
    public static long parse(String text) {
        String t = text.strip();
        if (t.matches("\\d{1,19}")) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                // Falls through to the error below.
            }
        }
        try {
            return OffsetDateTime.parse(t).toEpochSecond();
        } catch (DateTimeParseException e) {
            // Not with an offset; try the other forms.
        }
        try {
            return LocalDateTime.parse(t).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // Not a local date-time either.
        }
        try {
            return LocalDate.parse(t).plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond() - 1;
        } catch (DateTimeParseException e) {
            throw Failure.usage("--until '" + text + "' is neither a SEQ (Unix seconds) nor an ISO-8601 time such as "
                    + "2026-11-26T10:00:00Z or 2026-11-26");
        }
    }

    static String describe(long seq) {
        return seq + " (" + Instant.ofEpochSecond(seq) + ")";
    }
}
