package btrfss3.testenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TreeGeneratorTest {
    private static final long LARGE = 1L << 20;
    private static LoopbackBtrfs fs;

    @BeforeAll
    static void setUp() throws IOException {
        fs = LoopbackBtrfs.create("generator", 1L << 30);
    }

    @AfterAll
    static void tearDown() {
        if (fs != null) {
            fs.close();
        }
    }

    @Test
    void sameSeedSameTreeAndSameMutation() throws IOException {
        Path a = fs.createSubvolume("det/a");
        Path b = fs.createSubvolume("det/b");
        Path c = fs.createSubvolume("det/c");
        TreeGenerator.generate(a, 11, 3L << 20, LARGE);
        TreeGenerator.generate(b, 11, 3L << 20, LARGE);
        TreeGenerator.generate(c, 12, 3L << 20, LARGE);
        assertEquals(List.of(), TreeComparer.differences(a, b));
        assertFalse(TreeComparer.differences(a, c).isEmpty(), "another seed, another tree");
        TreeGenerator.mutate(a, 5);
        TreeGenerator.mutate(b, 5);
        assertEquals(List.of(), TreeComparer.differences(a, b), "same mutation seed, same result (mtimes included)");
    }

    @Test
    void generatedTreeHasEveryKindOfEntry() throws IOException {
        Path root = fs.createSubvolume("kinds");
        long approx = 4L << 20;
        TreeGenerator.generate(root, 21, approx, LARGE);
        long total = 0;
        int large = 0;
        int sparse = 0;
        int dangling = 0;
        int symlinks = 0;
        int xattrs = 0;
        int nonAscii = 0;
        int empty = 0;
        int special = 0;
        int maxDepth = 0;
        Set<Integer> uids = new HashSet<>();
        Set<Integer> modes = new HashSet<>();
        Set<Long> multiLinked = new HashSet<>();
        fs.sync();
        Map<String, Long> allocated = allocated(root);
        for (Path p : TreeGenerator.listAll(root)) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Map<String, Object> u = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            uids.add((Integer) u.get("uid"));
            maxDepth = Math.max(maxDepth, root.relativize(p).getNameCount());
            if (!p.toString().chars().allMatch(ch -> ch < 128)) {
                nonAscii++;
            }
            if (a.isSymbolicLink()) {
                symlinks++;
                if (!Files.exists(p)) {
                    dangling++;
                }
                continue;
            }
            int mode = (Integer) u.get("mode") & 07777;
            modes.add(mode);
            if ((mode & 07000) != 0) {
                special++;
            }
            if (!Files.getFileAttributeView(p, UserDefinedFileAttributeView.class).list().isEmpty()) {
                xattrs++;
            }
            if (a.isRegularFile()) {
                if (!p.getFileName().toString().startsWith("sparse-")) {
                    total += a.size();
                }
                if (a.size() > LARGE) {
                    large++;
                }
                if (a.size() == 0) {
                    empty++;
                }
                if ((Integer) u.get("nlink") > 1) {
                    multiLinked.add((Long) u.get("ino"));
                }
                Long alloc = allocated.get(root.relativize(p).toString());
                if (alloc != null && alloc + (1 << 20) <= a.size()) {
                    sparse++;
                }
            }
        }
        assertTrue(large >= 2, "files bigger than the large-file size: " + large);
        assertTrue(total >= approx / 2 && total <= approx * 2 + 4 * LARGE, "total size " + total);
        assertTrue(sparse >= 2, "sparse files: " + sparse);
        assertTrue(symlinks >= 5 && dangling >= 2, "symlinks " + symlinks + ", dangling " + dangling);
        assertTrue(xattrs >= 5, "entries with xattrs: " + xattrs);
        assertTrue(nonAscii >= 5, "non-ASCII names: " + nonAscii);
        assertTrue(empty >= 2, "empty files: " + empty);
        assertTrue(multiLinked.size() >= 2, "hardlink groups: " + multiLinked.size());
        assertTrue(maxDepth >= 20, "depth " + maxDepth);
        assertTrue(modes.size() >= 6, "modes " + modes);
        assertTrue(special >= 1, "setuid/setgid/sticky entries: " + special);
        assertTrue(uids.size() >= 4, "owners " + uids);
        assertTrue(Files.isDirectory(root.resolve("empty-dir")) && Files.list(root.resolve("empty-dir")).findAny().isEmpty());
    }

    private static Map<String, Long> allocated(Path root) throws IOException {
        Map<String, Long> m = new java.util.HashMap<>();
        Proc.Result r = Proc.run(List.of("find", root.toString(), "-type", "f", "-printf", "%b %P\\0"), 60).check();
        for (String rec : r.stdout().split("\0")) {
            int sp = rec.indexOf(' ');
            if (sp > 0) {
                m.put(rec.substring(sp + 1), Long.parseLong(rec.substring(0, sp)) * 512);
            }
        }
        return m;
    }

    @Test
    void mutationMakesEveryKindOfChange() throws IOException {
        Path root = fs.createSubvolume("mut/live");
        TreeGenerator.generate(root, 31, 3L << 20, LARGE);
        Path before = fs.snapshot(root, "mut/before", true);
        TreeGenerator.mutate(root, 99);
        List<String> d = TreeComparer.differences(before, root);
        String all = String.join("\n", d);
        for (String kind : List.of("content differs: ", "missing: ", "extra: ", "mode differs: ", "owner differs: ",
                "mtime differs: ", "xattrs differ: ", "hardlinks differ: ", "symlink target differs: ")) {
            assertTrue(d.stream().anyMatch(s -> s.startsWith(kind)), () -> "no '" + kind + "' in:\n" + all);
        }
        assertTrue(d.stream().anyMatch(s -> s.startsWith("missing: ") && s.endsWith("/ (directory, and "
                + s.replaceAll(".*and (\\d+) entries.*", "$1") + " entries below it)")) || all.contains("(directory)"),
                () -> "no folder deleted or renamed:\n" + all);
        assertTrue(all.contains(".renamed (regular file)"), () -> "no rename:\n" + all);
        assertTrue(all.contains("xattrs differ: docs: expected {user.folder=\"documents\"}, actual {user.folder=\"changed\"}"),
                () -> all);
        // Sizes: grown (append), shrunk (truncate), to zero, and same-size rewrites.
        Pattern size = Pattern.compile("size expected (\\d+), actual (\\d+)");
        boolean grew = false;
        boolean shrank = false;
        boolean zero = false;
        for (String s : d) {
            Matcher m = size.matcher(s);
            if (m.find()) {
                long x = Long.parseLong(m.group(1));
                long y = Long.parseLong(m.group(2));
                grew |= y > x;
                shrank |= y < x && y > 0;
                zero |= y == 0 && x > 0;
            }
        }
        assertTrue(grew && shrank && zero, () -> "append/truncate missing:\n" + all);
        assertTrue(d.stream().anyMatch(s -> s.contains("first difference at byte")), () -> "no in-place change:\n" + all);
    }

    @Test
    void mutatesRepeatedlyAndLeavesNestedSnapshotsAlone() throws IOException {
        Path root = fs.createSubvolume("again/live");
        TreeGenerator.generate(root, 41, 2L << 20, 256 * 1024);
        Path outside = fs.snapshot(root, "again/outside-1", true);
        Path inside = fs.snapshot(root, "again/live/nested-snapshot", true); // a nested subvolume
        TreeGenerator.mutate(root, 1);
        Path outside2 = fs.snapshot(root, "again/outside-2", true);
        TreeGenerator.mutate(root, 2);
        TreeGenerator.mutate(root, 2);
        assertFalse(TreeComparer.differences(outside2, root).isEmpty(), "later mutations changed nothing");
        assertEquals(List.of(), TreeComparer.differences(outside, inside), "the nested snapshot was changed");
        // The comparer leaves nested subvolumes out, as btrfs send does.
        assertEquals(List.of(), TreeComparer.differences(outside2, fs.snapshot(outside2, "again/copy", false)));
        assertTrue(TreeComparer.differences(root, root).isEmpty());
    }
}
