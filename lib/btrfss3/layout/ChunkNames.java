package btrfss3.layout;

import java.util.regex.Pattern;

/**
 * Chunk names as {@code split --suffix-length 4} makes them: xaaaa, xaaab, ... xzzzz. The
 * original restore reads only names of this shape, so the limit of 26^4 chunks is kept too.
 */
public final class ChunkNames {
    public static final int SUFFIX_LENGTH = 4;
    public static final long MAX_CHUNKS = 26L * 26 * 26 * 26;
    private static final Pattern CHUNK = Pattern.compile("x[a-z]+");

    private ChunkNames() {}

    public static String name(long index) {
        if (index < 0 || index >= MAX_CHUNKS) {
            throw new IllegalArgumentException("chunk index " + index + " is beyond the " + MAX_CHUNKS
                    + " names of the layout; use a larger chunk size (-S)");
        }
        char[] suffix = new char[SUFFIX_LENGTH];
        long rest = index;
        for (int i = SUFFIX_LENGTH - 1; i >= 0; i--) {
            suffix[i] = (char) ('a' + rest % 26);
            rest /= 26;
        }
        return "x" + new String(suffix);
    }

    /** True for the names restore reads: 'x' followed by letters only, as the original's glob. */
    public static boolean isChunk(String name) {
        return CHUNK.matcher(name).matches();
    }
}
