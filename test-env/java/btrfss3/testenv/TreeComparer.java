package btrfss3.testenv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares two trees entry by entry and returns each difference as a line of text. Compared: presence, type, content
 * and size, mode (all 12 permission bits), owner (uid/gid numbers), mtime (nanoseconds), user.* xattrs, symlink
 * targets, hardlink groups (which paths share an inode) and sparseness (a file with holes in expected must have
 * holes in actual; from allocated blocks). Never compared: atime, ctime, inode numbers, link counts as such, and the
 * top folder's own mtime. Symlinks are not followed.
 */
public final class TreeComparer {
    /** What can be compared; pass a set of them to {@link #differences(Path, Path, Set)} to leave them out. */
    public enum Aspect { CONTENT, MODE, OWNER, MTIME, XATTRS, HARDLINKS, SPARSENESS }

    private static final long SPARSE_MIN_HOLE = 1024 * 1024;

    private TreeComparer() {}

    /** All differences between the tree at expected and the tree at actual; empty when they are equal. */
    public static List<String> differences(Path expected, Path actual) throws IOException {
        return differences(expected, actual, Set.of());
    }

    /** Like {@link #differences(Path, Path)}, leaving out the given aspects. */
    public static List<String> differences(Path expected, Path actual, Set<Aspect> ignore) throws IOException {
        Set<Aspect> aspects = EnumSet.allOf(Aspect.class);
        aspects.removeAll(ignore);
        Snapshot e = Snapshot.of(expected, aspects);
        Snapshot a = Snapshot.of(actual, aspects);
        List<String> out = new ArrayList<>();
        Set<String> all = new TreeSet<>(e.entries.keySet());
        all.addAll(a.entries.keySet());
        Set<String> skipBelow = new HashSet<>(); // folders reported whole: nothing below them is reported
        Set<String> reportedGroups = new HashSet<>();
        for (String rel : all) {
            if (below(rel, skipBelow)) {
                continue;
            }
            Entry x = e.entries.get(rel);
            Entry y = a.entries.get(rel);
            String shown = rel.isEmpty() ? "." : rel;
            if (y == null || x == null) {
                Entry present = x != null ? x : y;
                Snapshot in = x != null ? e : a;
                String what = x != null ? "missing" : "extra";
                if (present.type == Type.DIRECTORY) {
                    int below = in.countBelow(rel);
                    out.add(what + ": " + shown + "/ (" + present.type.word + (below > 0 ? ", and " + below
                            + " entries below it" : "") + ")");
                    skipBelow.add(rel);
                } else {
                    out.add(what + ": " + shown + " (" + present.type.word + ")");
                }
                continue;
            }
            if (x.type != y.type) {
                out.add("type differs: " + shown + ": expected " + x.type.word + ", actual " + y.type.word);
                if (x.type == Type.DIRECTORY || y.type == Type.DIRECTORY) {
                    skipBelow.add(rel);
                }
                continue;
            }
            compareEntry(shown, rel, x, y, e, a, aspects, reportedGroups, out);
        }
        return out;
    }

    private static boolean below(String rel, Set<String> dirs) {
        for (int i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) {
            if (dirs.contains(rel.substring(0, i))) {
                return true;
            }
        }
        return false;
    }

    /** Throws an AssertionError listing the differences (the first 100) unless the trees are equal. */
    public static void assertSameTree(Path expected, Path actual) throws IOException {
        List<String> diffs = differences(expected, actual);
        if (!diffs.isEmpty()) {
            StringBuilder sb = new StringBuilder("trees differ: expected " + expected + ", actual " + actual + ", "
                    + diffs.size() + " difference(s):");
            diffs.stream().limit(100).forEach(d -> sb.append("\n  ").append(d));
            if (diffs.size() > 100) {
                sb.append("\n  ...");
            }
            throw new AssertionError(sb.toString());
        }
    }

    private static void compareEntry(String shown, String rel, Entry x, Entry y, Snapshot e, Snapshot a,
            Set<Aspect> aspects, Set<String> reportedGroups, List<String> out) throws IOException {
        if (x.type == Type.SYMLINK && !x.target.equals(y.target)) {
            out.add("symlink target differs: " + shown + ": expected " + quote(x.target) + ", actual " + quote(y.target));
        }
        if ((x.type == Type.CHAR_DEVICE || x.type == Type.BLOCK_DEVICE) && x.rdev != y.rdev) {
            out.add("device number differs: " + shown + ": expected " + x.rdev + ", actual " + y.rdev);
        }
        if (x.type == Type.FILE && aspects.contains(Aspect.CONTENT)) {
            if (x.size != y.size) {
                out.add("content differs: " + shown + ": size expected " + x.size + ", actual " + y.size);
            } else {
                long at = firstDifference(e.root.resolve(rel), a.root.resolve(rel));
                if (at >= 0) {
                    out.add("content differs: " + shown + ": first difference at byte " + at + " of " + x.size);
                }
            }
        }
        if (x.type == Type.FILE && aspects.contains(Aspect.SPARSENESS) && x.size == y.size && x.allocated >= 0
                && y.allocated >= 0) {
            long holesX = x.size - x.allocated;
            long holesY = y.size - y.allocated;
            if (holesX >= SPARSE_MIN_HOLE && holesY < holesX / 2) {
                out.add("sparseness differs: " + shown + ": expected about " + holesX + " bytes in holes, actual "
                        + Math.max(0, holesY));
            }
        }
        if (aspects.contains(Aspect.MODE) && x.type != Type.SYMLINK && x.mode != y.mode) {
            out.add("mode differs: " + shown + ": expected " + octal(x.mode) + ", actual " + octal(y.mode));
        }
        if (aspects.contains(Aspect.OWNER) && (x.uid != y.uid || x.gid != y.gid)) {
            out.add("owner differs: " + shown + ": expected " + x.uid + ":" + x.gid + ", actual " + y.uid + ":" + y.gid);
        }
        if (aspects.contains(Aspect.MTIME) && !rel.isEmpty() && !x.mtime.equals(y.mtime)) {
            out.add("mtime differs: " + shown + ": expected " + x.mtime.toInstant() + ", actual " + y.mtime.toInstant());
        }
        if (aspects.contains(Aspect.XATTRS) && !sameXattrs(x.xattrs, y.xattrs)) {
            out.add("xattrs differ: " + shown + ": expected " + describe(x.xattrs) + ", actual " + describe(y.xattrs));
        }
        if (aspects.contains(Aspect.HARDLINKS) && x.type != Type.DIRECTORY) {
            // Which paths (present in both trees) share this inode; reported once per changed group.
            Set<String> gx = common(e.linkGroup(rel, x), a);
            Set<String> gy = common(a.linkGroup(rel, y), e);
            if (!gx.equals(gy)) {
                boolean seen = reportedGroups.contains(gx.toString()) || reportedGroups.contains(gy.toString());
                reportedGroups.add(gx.toString());
                reportedGroups.add(gy.toString());
                if (!seen) {
                    out.add("hardlinks differ: " + shown + ": expected the same file as " + others(gx, rel)
                            + ", actual the same file as " + others(gy, rel));
                }
            }
        }
    }

    private static Set<String> common(Set<String> group, Snapshot other) {
        Set<String> s = new TreeSet<>();
        for (String p : group) {
            if (other.entries.containsKey(p)) {
                s.add(p);
            }
        }
        return s;
    }

    private static String others(Set<String> group, String self) {
        List<String> o = new ArrayList<>(group);
        o.remove(self);
        return o.isEmpty() ? "no other path" : o.toString();
    }

    private static long firstDifference(Path p, Path q) throws IOException {
        try (InputStream a = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS);
                InputStream b = Files.newInputStream(q, LinkOption.NOFOLLOW_LINKS)) {
            byte[] ba = new byte[1 << 20];
            byte[] bb = new byte[1 << 20];
            long pos = 0;
            while (true) {
                int na = a.readNBytes(ba, 0, ba.length);
                int nb = b.readNBytes(bb, 0, bb.length);
                int mismatch = Arrays.mismatch(ba, 0, na, bb, 0, nb);
                if (mismatch >= 0) {
                    return pos + mismatch;
                }
                if (na < ba.length) {
                    return -1;
                }
                pos += na;
            }
        }
    }

    private static boolean sameXattrs(Map<String, byte[]> x, Map<String, byte[]> y) {
        if (!x.keySet().equals(y.keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> en : x.entrySet()) {
            if (!Arrays.equals(en.getValue(), y.get(en.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Map<String, byte[]> xattrs) {
        if (xattrs.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, byte[]> en : xattrs.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(en.getKey()).append('=');
            byte[] v = en.getValue();
            String s = new String(v, StandardCharsets.UTF_8);
            boolean printable = Arrays.equals(s.getBytes(StandardCharsets.UTF_8), v) && s.chars().allMatch(c -> c >= 32);
            String shown = printable ? quote(s) : "0x" + HexFormat.of().formatHex(v);
            sb.append(shown.length() > 80 ? shown.substring(0, 77) + "..." : shown);
        }
        return sb.append('}').toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }

    private static String octal(int mode) {
        return String.format("%04o", mode);
    }

    // ---------------------------------------------------------------------------------------------------------

    private enum Type {
        FILE("regular file"), DIRECTORY("directory"), SYMLINK("symlink"), FIFO("fifo"), SOCKET("socket"),
        CHAR_DEVICE("character device"), BLOCK_DEVICE("block device"), OTHER("other");

        final String word;

        Type(String word) {
            this.word = word;
        }
    }

    private static final class Entry {
        Type type;
        int mode;
        int uid;
        int gid;
        long size;
        long allocated = -1;
        long ino;
        long dev;
        long rdev;
        int nlink;
        FileTime mtime;
        String target;
        Map<String, byte[]> xattrs = Map.of();
    }

    private static final class Snapshot {
        final Path root;
        final TreeMap<String, Entry> entries = new TreeMap<>();
        /** dev:ino -> relative paths, for inodes with more than one name. */
        final Map<String, Set<String>> groups = new HashMap<>();

        private Snapshot(Path root) {
            this.root = root;
        }

        static Snapshot of(Path root, Set<Aspect> aspects) throws IOException {
            Path r = root.toAbsolutePath().normalize();
            if (!Files.isDirectory(r, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("not a directory: " + root);
            }
            Snapshot s = new Snapshot(r);
            Files.walkFileTree(r, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(r) && isSubvolumeBoundary(dir)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    s.add(dir, aspects);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    s.add(file, aspects);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    throw exc;
                }
            });
            if (aspects.contains(Aspect.SPARSENESS)) {
                s.readAllocation();
            }
            return s;
        }

        /**
         * btrfs send carries one subvolume: a nested subvolume (its root has inode 256) and the
         * empty placeholder a snapshot shows in its place (inode 2) are not part of the tree.
         */
        private static boolean isSubvolumeBoundary(Path dir) throws IOException {
            long ino = (Long) Files.getAttribute(dir, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            return (ino == 256L || ino == 2L) && "btrfs".equals(Files.getFileStore(dir).type());
        }

        private void add(Path p, Set<Aspect> aspects) throws IOException {
            String rel = root.relativize(p).toString();
            Map<String, Object> u = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            Entry en = new Entry();
            int mode = (Integer) u.get("mode");
            en.type = switch (mode & 0170000) {
                case 0100000 -> Type.FILE;
                case 0040000 -> Type.DIRECTORY;
                case 0120000 -> Type.SYMLINK;
                case 0010000 -> Type.FIFO;
                case 0140000 -> Type.SOCKET;
                case 0020000 -> Type.CHAR_DEVICE;
                case 0060000 -> Type.BLOCK_DEVICE;
                default -> Type.OTHER;
            };
            en.mode = mode & 07777;
            en.uid = (Integer) u.get("uid");
            en.gid = (Integer) u.get("gid");
            en.size = (Long) u.get("size");
            en.ino = (Long) u.get("ino");
            en.dev = (Long) u.get("dev");
            en.rdev = (Long) u.get("rdev");
            en.nlink = (Integer) u.get("nlink");
            en.mtime = (FileTime) u.get("lastModifiedTime");
            if (en.type == Type.SYMLINK) {
                en.target = Files.readSymbolicLink(p).toString();
            }
            if (aspects.contains(Aspect.XATTRS) && (en.type == Type.FILE || en.type == Type.DIRECTORY)) {
                en.xattrs = readXattrs(p);
            }
            if (en.type != Type.DIRECTORY && en.nlink > 1) {
                groups.computeIfAbsent(en.dev + ":" + en.ino, k -> new TreeSet<>()).add(rel);
            }
            entries.put(rel, en);
        }

        private static Map<String, byte[]> readXattrs(Path p) throws IOException {
            UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
            if (v == null) {
                return Map.of();
            }
            Map<String, byte[]> result = new TreeMap<>();
            List<String> names;
            try {
                names = v.list();
            } catch (UnsupportedOperationException e) {
                return Map.of();
            }
            for (String name : names) {
                ByteBuffer buf = ByteBuffer.allocate(v.size(name));
                v.read(name, buf);
                result.put("user." + name, Arrays.copyOf(buf.array(), buf.position()));
            }
            return result;
        }

        /** Allocated bytes of regular files, from find -printf %b (512-byte blocks); left at -1 if find fails. */
        private void readAllocation() throws IOException {
            Proc.Result r = Proc.run(List.of("find", root.toString(), "-type", "f", "-printf", "%b %P\\0"), 600);
            if (!r.ok()) {
                return;
            }
            for (String rec : r.stdout().split("\0")) {
                int sp = rec.indexOf(' ');
                if (sp <= 0) {
                    continue;
                }
                Entry en = entries.get(rec.substring(sp + 1));
                if (en != null && en.type == Type.FILE) {
                    en.allocated = Long.parseLong(rec.substring(0, sp)) * 512;
                }
            }
        }

        Set<String> linkGroup(String rel, Entry en) {
            if (en.nlink <= 1) {
                return Set.of(rel);
            }
            return groups.getOrDefault(en.dev + ":" + en.ino, Set.of(rel));
        }

        int countBelow(String dirRel) {
            String prefix = dirRel.isEmpty() ? "" : dirRel + "/";
            return entries.subMap(prefix, true, prefix + Character.MAX_VALUE, true).size();
        }
    }
}
