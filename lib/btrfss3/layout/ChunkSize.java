package btrfss3.layout;

import btrfss3.cli.Failure;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses {@code -S} the way {@code split -b} reads sizes: a number and an optional K, M, G or T
 * in either case (powers of 1024; KiB, MiB... the same), or KB, MB, GB, TB (powers of 1000).
 */
public final class ChunkSize {
    /** S3's largest object: a chunk must fit in one, after encryption overhead. */
    public static final long MAX = 5L * 1024 * 1024 * 1024 * 1024 - 64 * 1024 * 1024;
    public static final long DEFAULT = 512L * 1024 * 1024;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,16})([kmgt]?)(i?b)?");

    private ChunkSize() {}

    public static long parse(String text) {
        var m = SIZE.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || (m.group(3) != null && m.group(2).isEmpty())) {
            throw Failure.usage("invalid chunk size '" + text + "': a number of bytes with an optional K, M or G suffix, e.g. 512M");
        }
        long n = Long.parseLong(m.group(1));
        int power = m.group(2).isEmpty() ? 0 : "kmgt".indexOf(m.group(2)) + 1;
        long unit = 1;
        for (int i = 0; i < power; i++) {
            unit *= "b".equals(m.group(3)) ? 1000 : 1024;
        }
        if (n == 0) {
            throw Failure.usage("invalid chunk size '" + text + "': it must be greater than 0");
        }
        if (n > MAX / unit) {
            throw Failure.usage("invalid chunk size '" + text + "': S3 objects are limited to 5 TiB");
        }
        return n * unit;
    }
}
