package btrfss3.report;

import java.util.Locale;

/**
 * The text of a progress line, e.g. {@code backup 2 of 5  chunk 3 of 7  1.21 GiB of 4.00 GiB
 * 87.3 MiB/s  ETA 0:00:32}. Parts that are not known are left out rather than shown as guesses.
 */
public final class ProgressLine {
    private ProgressLine() {}

    /**
     * @param rate bytes per second, negative while unknown
     */
    public static String format(Progress.Snapshot s, double rate) {
        StringBuilder b = new StringBuilder();
        if (s.step() != null) {
            b.append(s.step()).append("  ");
        }
        if (s.chunk() > 0) {
            b.append("chunk ").append(s.chunk());
            if (s.chunks() > 0) {
                b.append(" of ").append(s.chunks());
            }
            b.append("  ");
        }
        b.append(bytes(s.bytes()));
        if (s.expectedBytes() > 0) {
            b.append(" of ").append(bytes(s.expectedBytes()));
        }
        if (rate >= 0) {
            b.append("  ").append(bytes(Math.round(rate))).append("/s");
            if (s.expectedBytes() > 0 && rate > 0) {
                long left = Math.max(0, s.expectedBytes() - s.bytes());
                b.append("  ETA ").append(duration(Math.round(left / rate)));
            }
        }
        return b.toString();
    }

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    /** Bytes in binary units with three significant digits: 512 B, 1.21 GiB, 87.3 MiB, 512 MiB. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int unit = -1;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        // 1023.96 MiB would print as "1024 MiB" with no decimals; "1.00 GiB" reads better.
        if (v >= 999.5 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        String digits = v < 9.995 ? "%.2f" : v < 99.95 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, digits, v) + " " + UNITS[unit];
    }

    /** Seconds as h:mm:ss, hours unbounded. */
    public static String duration(long seconds) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
