package btrfss3.testenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each planted difference is found, and reported alone: every change below restores the mtimes it disturbs (the
 * file's own, its folder's), so that exactly the planted difference remains.
 */
class TreeComparerTest {
    private static LoopbackBtrfs fs;
    private static Path original;
    private static final AtomicInteger COPIES = new AtomicInteger();

    @BeforeAll
    static void setUp() throws IOException {
        fs = LoopbackBtrfs.create("comparer", 1L << 30);
        original = fs.createSubvolume("original");
        TreeGenerator.generate(original, 3, 2L << 20, 512 * 1024);
    }

    @AfterAll
    static void tearDown() {
        if (fs != null) {
            fs.close();
        }
    }

    /** A writable snapshot of the original tree: identical, including inode sharing (hardlinks). */
    private static Path copy() throws IOException {
        return fs.snapshot(original, "copy-" + COPIES.incrementAndGet(), false);
    }

    private static FileTime mtime(Path p) throws IOException {
        return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .lastModifiedTime();
    }

    private static void setMtime(Path p, FileTime t) throws IOException {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
    }

    /** Runs a change and puts back the mtimes of the given paths (those that still exist). */
    private static void keepingMtimes(List<Path> paths, IoAction change) throws IOException {
        FileTime[] times = new FileTime[paths.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = mtime(paths.get(i));
        }
        change.run();
        for (int i = 0; i < times.length; i++) {
            if (Files.exists(paths.get(i), LinkOption.NOFOLLOW_LINKS)) {
                setMtime(paths.get(i), times[i]);
            }
        }
    }

    interface IoAction {
        void run() throws IOException;
    }

    private static void assertOnly(String expected, Path copy) throws IOException {
        assertEquals(List.of(expected), TreeComparer.differences(original, copy));
    }

    @Test
    void identicalTreesHaveNoDifferences() throws IOException {
        Path copy = copy();
        assertEquals(List.of(), TreeComparer.differences(original, copy));
        assertEquals(List.of(), TreeComparer.differences(copy, original));
        // The top folder's own mtime is not compared; atime never is.
        setMtime(copy, FileTime.fromMillis(0));
        Files.readAllBytes(copy.resolve("docs/hardlinked.txt"));
        assertEquals(List.of(), TreeComparer.differences(original, copy));
        TreeComparer.assertSameTree(original, copy);
    }

    @Test
    void contentChangeOfSameSize() throws IOException {
        Path copy = copy();
        Path f = copy.resolve("media/large-random.bin");
        long size = Files.size(f);
        keepingMtimes(List.of(f), () -> {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.allocate(1);
                ch.read(b, 300_000);
                b.put(0, (byte) (b.get(0) ^ 1)).rewind();
                ch.write(b, 300_000);
            }
        });
        assertOnly("content differs: media/large-random.bin: first difference at byte 300000 of " + size, copy);
    }

    @Test
    void sizeChange() throws IOException {
        Path copy = copy();
        Path f = copy.resolve("one-byte");
        keepingMtimes(List.of(f), () -> Files.write(f, new byte[] {42, 43}));
        assertOnly("content differs: one-byte: size expected 1, actual 2", copy);
    }

    @Test
    void modeChange() throws IOException {
        Path copy = copy();
        Path f = copy.resolve("one-byte");
        int mode = (Integer) Files.getAttribute(f, "unix:mode") & 07777;
        Files.setAttribute(f, "unix:mode", mode ^ 0001);
        assertOnly(String.format("mode differs: one-byte: expected %04o, actual %04o", mode, mode ^ 1), copy);
    }

    @Test
    void ownerChange() throws IOException {
        Path copy = copy();
        Path f = copy.resolve("docs/empty.txt");
        int uid = (Integer) Files.getAttribute(f, "unix:uid");
        int gid = (Integer) Files.getAttribute(f, "unix:gid");
        int mode = (Integer) Files.getAttribute(f, "unix:mode");
        Files.setAttribute(f, "unix:gid", gid + 1);
        Files.setAttribute(f, "unix:mode", mode); // chown may clear setgid
        assertOnly("owner differs: docs/empty.txt: expected " + uid + ":" + gid + ", actual " + uid + ":" + (gid + 1),
                copy);
    }

    @Test
    void mtimeChangeOfFileAndOfSymlink() throws IOException {
        Path copy = copy();
        FileTime before = mtime(copy.resolve("empty"));
        FileTime after = FileTime.from(before.toInstant().plusNanos(1));
        setMtime(copy.resolve("empty"), after);
        assertOnly("mtime differs: empty: expected " + before.toInstant() + ", actual " + after.toInstant(), copy);

        Path copy2 = copy();
        FileTime linkBefore = mtime(copy2.resolve("link-dangling"));
        setMtime(copy2.resolve("link-dangling"), FileTime.fromMillis(0));
        assertOnly("mtime differs: link-dangling: expected " + linkBefore.toInstant() + ", actual 1970-01-01T00:00:00Z",
                copy2);
    }

    @Test
    void xattrChangedAddedRemoved() throws IOException {
        Path copy = copy();
        UserDefinedFileAttributeView v = Files.getFileAttributeView(copy.resolve("docs"), UserDefinedFileAttributeView.class);
        v.write("folder", ByteBuffer.wrap("other".getBytes(StandardCharsets.UTF_8)));
        assertOnly("xattrs differ: docs: expected {user.folder=\"documents\"}, actual {user.folder=\"other\"}", copy);

        Path copy2 = copy();
        Files.getFileAttributeView(copy2.resolve("one-byte"), UserDefinedFileAttributeView.class)
                .write("new", ByteBuffer.wrap(new byte[] {1, 2}));
        List<String> d = TreeComparer.differences(original, copy2);
        assertEquals(1, d.size(), d::toString);
        assertTrue(d.get(0).startsWith("xattrs differ: one-byte: ") && d.get(0).contains("user.new=0x0102"), d::toString);

        Path copy3 = copy();
        Files.getFileAttributeView(copy3.resolve("empty"), UserDefinedFileAttributeView.class).delete("empty-value");
        d = TreeComparer.differences(original, copy3);
        assertEquals(1, d.size(), d::toString);
        assertTrue(d.get(0).startsWith("xattrs differ: empty: expected {user.binary=0x000102ff000a, user.empty-value=\"\"}"),
                d::toString);
    }

    @Test
    void symlinkTargetChange() throws IOException {
        Path copy = copy();
        Path link = copy.resolve("link-dangling");
        int uid = (Integer) Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(link, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        keepingMtimes(List.of(copy, link), () -> {
            Files.delete(link);
            Files.createSymbolicLink(link, Path.of("does/not/exist/either"));
            Files.setAttribute(link, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(link, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        });
        assertOnly("symlink target differs: link-dangling: expected \"does/not/exist\", actual \"does/not/exist/either\"",
                copy);
    }

    @Test
    void hardlinkGroupingChange() throws IOException {
        Path copy = copy();
        Path member = copy.resolve("src/hardlink-2.txt");
        Path tmp = copy.resolve("tmp-copy");
        keepingMtimes(List.of(copy, member.getParent()), () -> {
            // Same content, mode, owner, mtime and xattrs, but its own inode.
            Proc.run(List.of("cp", "-a", member.toString(), tmp.toString()), 60).check();
            Files.move(tmp, member, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        });
        assertOnly("hardlinks differ: docs/hardlinked.txt: expected the same file as [home/user/hardlink-3, "
                + "src/hardlink-2.txt], actual the same file as [home/user/hardlink-3]", copy);
    }

    @Test
    void missingAndExtraEntries() throws IOException {
        Path copy = copy();
        Path dir = copy.resolve("var/log");
        keepingMtimes(List.of(dir), () -> Files.delete(dir.resolve("pair-b")));
        assertOnly("missing: var/log/pair-b (regular file)", copy);

        Path copy2 = copy();
        keepingMtimes(List.of(copy2.resolve("docs")), () -> Files.writeString(copy2.resolve("docs/new"), "x"));
        assertOnly("extra: docs/new (regular file)", copy2);

        Path copy3 = copy();
        keepingMtimes(List.of(copy3.resolve("home/user")), () ->
                Proc.run(List.of("rm", "-r", copy3.resolve("home/user/.config").toString()), 60).check());
        List<String> d = TreeComparer.differences(original, copy3);
        assertEquals(1, d.size(), d::toString);
        assertTrue(d.get(0).startsWith("missing: home/user/.config/ (directory"), d::toString);
    }

    @Test
    void typeChange() throws IOException {
        Path copy = copy();
        Path f = copy.resolve("one-byte");
        keepingMtimes(List.of(copy), () -> {
            Files.delete(f);
            Files.createDirectory(f);
        });
        assertOnly("type differs: one-byte: expected regular file, actual directory", copy);
    }

    @Test
    void holesFilledIn() throws IOException {
        Path copy = copy();
        Path f = copy.resolve("var/sparse-vm.img");
        keepingMtimes(List.of(f), () -> {
            // Same bytes written back over the whole file: the content stays, the holes become zeros on disk.
            byte[] all = Files.readAllBytes(f);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(all), 0);
            }
        });
        fs.sync();
        List<String> d = TreeComparer.differences(original, copy);
        assertEquals(1, d.size(), d::toString);
        assertTrue(d.get(0).startsWith("sparseness differs: var/sparse-vm.img: expected about "), d::toString);
        assertEquals(List.of(), TreeComparer.differences(original, copy, Set.of(TreeComparer.Aspect.SPARSENESS)));
    }

    @Test
    void ignoringAspects() throws IOException {
        Path copy = copy();
        Path f = copy.resolve("one-byte");
        Files.setAttribute(f, "unix:mode", 0600);
        setMtime(f, FileTime.fromMillis(1000));
        assertEquals(2, TreeComparer.differences(original, copy).size());
        assertEquals(List.of(), TreeComparer.differences(original, copy,
                Set.of(TreeComparer.Aspect.MODE, TreeComparer.Aspect.MTIME)));
    }
}
