package btrfss3.testenv.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The data set of test-env/bench: deterministic (same seed and size, same tree), half random bytes (does not
 * compress) and half text (compresses like prose: lz4 leaves about 60 %), in many files of log-uniform size from
 * 512 B to 512 KiB plus a few large ones: about 10 files per MiB, so ~20k files for 2 GiB.
 *
 * <pre>
 *   generate DIR SEED BYTES          fill DIR (created if missing)
 *   mutate DIR SEED PERCENT          change about PERCENT % of the bytes, for an incremental backup: overwrite
 *                                    ranges in place, append, add new files, delete and rename a few
 * </pre>
 *
 * Top-level entries whose name starts with {@code .stream_backup_} (the backup tool's snapshots) are left alone.
 * BYTES takes K, M, G suffixes (powers of 1024).
 */
public final class BenchData {
    private static final int MIN_SMALL = 512;
    private static final int MAX_SMALL = 512 * 1024;
    private static final int FILES_PER_DIR = 128;
    private static final long MTIME_BASE = 1_700_000_000L;
    private static final int WRITE_BUFFER = 1 << 20;

    private BenchData() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 4 && args[0].equals("generate")) {
            generate(Path.of(args[1]), Long.parseLong(args[2]), parseSize(args[3]));
        } else if (args.length == 4 && args[0].equals("mutate")) {
            mutate(Path.of(args[1]), Long.parseLong(args[2]), Double.parseDouble(args[3]));
        } else {
            System.err.println("usage: BenchData generate DIR SEED BYTES | mutate DIR SEED PERCENT");
            System.exit(2);
        }
    }

    static long parseSize(String s) {
        String t = s.strip().toUpperCase(Locale.ROOT);
        long mult = 1;
        char last = t.charAt(t.length() - 1);
        switch (last) {
            case 'K' -> mult = 1L << 10;
            case 'M' -> mult = 1L << 20;
            case 'G' -> mult = 1L << 30;
            case 'T' -> mult = 1L << 40;
            default -> { }
        }
        if (mult != 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Math.round(Double.parseDouble(t) * mult);
    }

    // ---- content -------------------------------------------------------------------------------------------

    /** Writes pseudo-random content: random bytes or word-salad text. */
    private static final class Content {
        private final Text text;

        Content(long seed) {
            text = new Text(seed);
        }

        void fill(byte[] buf, int len, boolean random, SplittableRandom rnd) {
            if (random) {
                int i = 0;
                for (; i + 8 <= len; i += 8) {
                    long v = rnd.nextLong();
                    buf[i] = (byte) v;
                    buf[i + 1] = (byte) (v >>> 8);
                    buf[i + 2] = (byte) (v >>> 16);
                    buf[i + 3] = (byte) (v >>> 24);
                    buf[i + 4] = (byte) (v >>> 32);
                    buf[i + 5] = (byte) (v >>> 40);
                    buf[i + 6] = (byte) (v >>> 48);
                    buf[i + 7] = (byte) (v >>> 56);
                }
                for (; i < len; i++) {
                    buf[i] = (byte) rnd.nextInt();
                }
            } else {
                text.fill(buf, len, rnd);
            }
        }
    }

    /** Text from a vocabulary of made-up words with a Zipf-like frequency, in sentences and lines. */
    private static final class Text {
        private final byte[][] words;
        private final int[] pick = new int[1 << 16];

        Text(long seed) {
            SplittableRandom r = new SplittableRandom(seed ^ 0x7E47L);
            int n = 4096;
            words = new byte[n][];
            String letters = "etaoinshrdlcumwfgypbvkjxqz";
            for (int i = 0; i < n; i++) {
                int len = 2 + r.nextInt(4) + r.nextInt(5);
                StringBuilder sb = new StringBuilder(len);
                for (int j = 0; j < len; j++) {
                    // skewed towards frequent letters
                    int k = Math.min(letters.length() - 1, (int) (Math.pow(r.nextDouble(), 2.2) * letters.length()));
                    sb.append(letters.charAt(k));
                }
                words[i] = sb.toString().getBytes(StandardCharsets.US_ASCII);
            }
            // Zipf(1): P(rank k) ~ 1/k
            double[] cum = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1.0 / (i + 1);
                cum[i] = sum;
            }
            int w = 0;
            for (int i = 0; i < pick.length; i++) {
                double target = (i + 0.5) / pick.length * sum;
                while (cum[w] < target) {
                    w++;
                }
                pick[i] = w;
            }
        }

        void fill(byte[] buf, int len, SplittableRandom rnd) {
            int i = 0;
            int col = 0;
            boolean capital = true;
            while (i < len) {
                long v = rnd.nextLong();
                byte[] word = words[pick[(int) (v & 0xFFFF)]];
                for (int j = 0; j < word.length && i < len; j++) {
                    byte b = word[j];
                    buf[i++] = capital && j == 0 ? (byte) (b - 32) : b;
                }
                capital = false;
                col += word.length + 1;
                if (i >= len) {
                    break;
                }
                int p = (int) ((v >>> 16) & 0xFF);
                if (p < 14) {
                    buf[i++] = '.';
                    capital = true;
                } else if (p < 24) {
                    buf[i++] = ',';
                }
                if (i >= len) {
                    break;
                }
                if (col > 72) {
                    buf[i++] = '\n';
                    col = 0;
                } else {
                    buf[i++] = ' ';
                }
            }
        }
    }

    // ---- generate -------------------------------------------------------------------------------------------

    public static void generate(Path root, long seed, long bytes) throws IOException {
        Files.createDirectories(root);
        Content content = new Content(seed);
        byte[] buf = new byte[WRITE_BUFFER];
        long[] count = new long[2];
        for (int kind = 0; kind < 2; kind++) {
            boolean random = kind == 0;
            String name = random ? "random" : "text";
            long budget = bytes / 2;
            SplittableRandom rnd = new SplittableRandom(seed * 31 + kind);
            // A quarter in four large files, the rest in small ones.
            long large = budget / 16;
            long written = 0;
            int index = 0;
            for (int i = 0; i < 4 && large > 0; i++) {
                Path f = root.resolve(name).resolve("large").resolve(String.format(Locale.ROOT, "big-%d.%s", i,
                        random ? "bin" : "txt"));
                writeFile(f, large, random, rnd.split(), content, buf, index++);
                written += large;
            }
            while (written < budget) {
                double u = rnd.nextDouble();
                long size = Math.round(MIN_SMALL * Math.pow((double) MAX_SMALL / MIN_SMALL, u));
                size = Math.min(size, budget - written);
                int dir = index / FILES_PER_DIR;
                Path f = root.resolve(name).resolve(String.format(Locale.ROOT, "d%02d", dir / 100))
                        .resolve(String.format(Locale.ROOT, "d%04d", dir))
                        .resolve(String.format(Locale.ROOT, "f%06d.%s", index, random ? "bin" : "txt"));
                writeFile(f, size, random, rnd.split(), content, buf, index++);
                written += size;
            }
            count[kind] = index;
        }
        System.out.printf(Locale.ROOT, "generated %s: %d random + %d text files, %d bytes%n", root, count[0],
                count[1], bytes / 2 * 2);
    }

    private static void writeFile(Path f, long size, boolean random, SplittableRandom rnd, Content content, byte[] buf,
            int index) throws IOException {
        Files.createDirectories(f.getParent());
        try (OutputStream out = Files.newOutputStream(f)) {
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                content.fill(buf, n, random, rnd);
                out.write(buf, 0, n);
                left -= n;
            }
        }
        Files.setLastModifiedTime(f, FileTime.from(java.time.Instant.ofEpochSecond(MTIME_BASE + index, index * 997L)));
    }

    // ---- mutate -------------------------------------------------------------------------------------------

    public static void mutate(Path root, long seed, double percent) throws IOException {
        List<Path> files = new ArrayList<>();
        long total = 0;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return isToolSnapshotDir(root, dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        long[] sizes = new long[files.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = Files.size(files.get(i));
            total += sizes[i];
        }
        if (files.isEmpty()) {
            throw new IOException("no files to mutate in " + root);
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x6D757461L);
        Content content = new Content(seed);
        byte[] buf = new byte[WRITE_BUFFER];
        long budget = Math.round(total * percent / 100.0);
        long overwrite = budget * 45 / 100;
        long append = budget * 10 / 100;
        long create = budget - overwrite - append;
        long changed = 0;
        int overwritten = 0;
        int appended = 0;
        // Overwrite ranges in place (like edited documents, updated databases).
        boolean[] touched = new boolean[files.size()];
        long done = 0;
        while (done < overwrite) {
            int i = rnd.nextInt(files.size());
            if (sizes[i] == 0) {
                continue;
            }
            long len = Math.min(sizes[i], Math.min(overwrite - done, 4096 + rnd.nextInt(256 * 1024)));
            long off = sizes[i] == len ? 0 : rnd.nextLong(sizes[i] - len);
            writeRange(files.get(i), off, len, isRandom(files.get(i)), rnd.split(), content, buf);
            touched[i] = true;
            done += len;
            overwritten++;
        }
        changed += done;
        // Appends (logs).
        done = 0;
        while (done < append) {
            int i = rnd.nextInt(files.size());
            long len = Math.min(append - done, 1024 + rnd.nextInt(128 * 1024));
            writeRange(files.get(i), sizes[i], len, isRandom(files.get(i)), rnd.split(), content, buf);
            sizes[i] += len;
            touched[i] = true;
            done += len;
            appended++;
        }
        changed += done;
        // New files, half random, half text.
        done = 0;
        int created = 0;
        Path newDir = root.resolve("new-" + Long.toUnsignedString(seed, 36));
        while (done < create) {
            boolean random = (created & 1) == 0;
            long size = Math.min(create - done,
                    Math.round(MIN_SMALL * Math.pow((double) MAX_SMALL / MIN_SMALL, rnd.nextDouble())));
            Path f = newDir.resolve(String.format(Locale.ROOT, "d%03d", created / FILES_PER_DIR))
                    .resolve(String.format(Locale.ROOT, "n%06d.%s", created, random ? "bin" : "txt"));
            writeFile(f, size, random, rnd.split(), content, buf, created);
            done += size;
            created++;
        }
        changed += done;
        // Delete 1 % and rename 0.5 % of the untouched files.
        int deleted = 0;
        int renamed = 0;
        for (int i = 0; i < files.size(); i++) {
            if (touched[i]) {
                continue;
            }
            int p = rnd.nextInt(1000);
            if (p < 10) {
                Files.delete(files.get(i));
                deleted++;
            } else if (p < 15) {
                Path f = files.get(i);
                Files.move(f, f.resolveSibling("renamed-" + f.getFileName()));
                renamed++;
            }
        }
        System.out.printf(Locale.ROOT,
                "mutated %s: %d of %d bytes written (%d ranges overwritten, %d appends, %d new files), "
                        + "%d files deleted, %d renamed%n",
                root, changed, total, overwritten, appended, created, deleted, renamed);
    }

    private static boolean isToolSnapshotDir(Path root, Path p) {
        Path rel = root.relativize(p);
        return rel.getNameCount() >= 1 && rel.getName(0).toString().startsWith(".stream_backup_");
    }

    private static boolean isRandom(Path f) {
        return f.getFileName().toString().endsWith(".bin");
    }

    private static void writeRange(Path f, long off, long len, boolean random, SplittableRandom rnd, Content content,
            byte[] buf) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            long pos = off;
            long left = len;
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                content.fill(buf, n, random, rnd);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    pos += ch.write(bb, pos);
                }
                left -= n;
            }
        }
        // deterministic mtime: one day after the old one
        Files.setLastModifiedTime(f, FileTime.fromMillis(mtime.toMillis() + 86_400_000L));
    }
}
