package btrfss3.testenv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Deterministic test trees: the same seed and size give the same tree (names, content, modes, owners, xattrs,
 * mtimes), and the same mutation seed applied to the same tree gives the same result.
 *
 * <p>A generated tree holds: empty files and folders, small files, files bigger than {@code largeFileBytes} (random
 * and compressible), compressible text, hardlinks (within and across folders), symlinks (relative, absolute, to a
 * folder, chained, dangling), user.* xattrs (text, binary, empty), sparse files with holes, a deep folder chain,
 * non-ASCII and awkward names, modes including setuid/setgid/sticky, several uid/gid numbers (when run as root)
 * and mtimes spread over 20 years with nanoseconds.
 */
public final class TreeGenerator {
    private static final long MIB = 1024 * 1024;
    /** 2001-01-01T00:00:00Z; mtimes are set after this. */
    private static final long BASE_EPOCH_SECOND = 978_307_200L;
    private static final int[] UIDS = {0, 1000, 1001, 33, 65534, 123456};
    private static final int[] GIDS = {0, 1000, 100, 50, 65534, 654321};
    private static final int[] FILE_MODES = {0644, 0600, 0640, 0664, 0444, 0755, 0700, 0750, 0400, 0666};
    private static final int[] DIR_MODES = {0755, 0700, 0750, 0775, 0555, 01777, 02775};
    private static final String[] WORDS = {"btrfs", "send", "receive", "snapshot", "subvolume", "chain", "backup",
        "restore", "incremental", "stream", "extent", "inode", "checksum", "bucket", "object", "the", "a", "of", "and",
        "Grüße", "日本語", "données", "κόσμε", "\n", "\n\n", "0123456789", "lorem", "ipsum"};
    private static final String[] NAMES = {"Grüße.txt", "日本語のファイル", "données-été", "κόσμε", "emoji-😀.bin",
        "with space", "  leading-spaces", "trailing-space ", "-starts-with-dash", ".hidden", "..dots..",
        "semi;colon&amp", "quote'\"back\\slash", "tab\tname", "star*question?", "percent%20encoded", "UPPER_lower",
        "Ω≈ç√∫", "name#hash", "a=b,c"};

    private TreeGenerator() {}

    /**
     * Fills root (created if missing; should be empty) with a tree of about approxBytes of file content. When
     * largeFileBytes is positive, at least two files (one random, one compressible) are bigger than it, even if that
     * exceeds approxBytes. Set owners need root; as another user the owners are left as they are.
     */
    public static void generate(Path root, long seed, long approxBytes, long largeFileBytes) throws IOException {
        Files.createDirectories(root);
        new Builder(root, new SplittableRandom(seed)).build(approxBytes, largeFileBytes);
    }

    /**
     * Changes a tree for an incremental backup, deterministically for the tree and seed: adds files and folders,
     * modifies files in place, appends, truncates, deletes files and a folder tree, renames files and a folder,
     * changes modes, owners, xattrs (set, change, remove), mtimes, adds and removes hardlinks, and retargets a
     * symlink. Every kind happens at least once (given a tree from {@link #generate}).
     */
    public static void mutate(Path root, long seed) throws IOException {
        new Mutator(root, new SplittableRandom(seed ^ 0x5DEECE66DL)).run();
    }

    // ---------------------------------------------------------------------------------------------------------

    private static final class Builder {
        private final Path root;
        private final SplittableRandom rnd;
        private final boolean root0 = isRoot();
        private final List<Path> dirs = new ArrayList<>();
        private final List<Path> files = new ArrayList<>();

        Builder(Path root, SplittableRandom rnd) {
            this.root = root;
            this.rnd = rnd;
        }

        void build(long approxBytes, long largeFileBytes) throws IOException {
            long budget = Math.max(0, approxBytes);
            // Folder skeleton: a few levels with awkward names, an empty folder, a deep chain.
            dirs.add(root);
            for (String d : List.of("docs", "src/main/java", "media/photos", "var/log", "home/user/.config", "empty-dir",
                    "données/日本語", "with space/and more")) {
                dirs.add(Files.createDirectories(root.resolve(d)));
            }
            Path deep = root.resolve("deep");
            for (int i = 0; i < 24; i++) {
                deep = deep.resolve("level-" + i);
            }
            Files.createDirectories(deep);
            for (Path p = deep; !p.equals(root); p = p.getParent()) {
                dirs.add(p);
            }
            file(deep.resolve("bottom.txt"), text(200));

            // Special content.
            file(root.resolve("empty"), new byte[0]);
            file(root.resolve("docs/empty.txt"), new byte[0]);
            file(root.resolve("one-byte"), new byte[] {42});
            for (int i = 0; i < NAMES.length; i++) {
                Path dir = i % 2 == 0 ? root.resolve("données/日本語") : root.resolve("with space/and more");
                file(dir.resolve(NAMES[i]), rnd.nextBoolean() ? text(rnd.nextInt(1, 2000)) : random(rnd.nextInt(0, 3000)));
            }
            budget -= 60_000;

            // Large files: one random (incompressible), one compressible, both just over the threshold.
            if (largeFileBytes > 0) {
                long extra = rnd.nextLong(1, Math.max(2, Math.min(largeFileBytes / 3, 3 * MIB)));
                largeFile(root.resolve("media/large-random.bin"), largeFileBytes + extra, false);
                largeFile(root.resolve("var/log/large-compressible.log"), largeFileBytes + extra / 2 + 1, true);
                budget -= 2 * largeFileBytes + 2 * extra;
            }

            // Sparse files: data, a hole, data, a hole at the end (size set beyond the last write).
            sparse(root.resolve("var/sparse-vm.img"), 8 * MIB, new long[] {0, 3 * MIB, 5 * MIB + 12345});
            sparse(root.resolve("var/sparse-starts-with-hole"), 4 * MIB + 17, new long[] {2 * MIB});
            budget -= 3 * 64 * 1024;

            // Small and medium files until the budget is used (at most a few thousand files).
            int count = 0;
            while (budget > 0 && count < 4000) {
                Path dir = dirs.get(rnd.nextInt(dirs.size()));
                if (dir.getFileName() != null && dir.getFileName().toString().equals("empty-dir")) {
                    continue;
                }
                int size = switch (rnd.nextInt(10)) {
                    case 0 -> 0;
                    case 1, 2, 3, 4 -> rnd.nextInt(1, 4096);
                    case 5, 6, 7 -> rnd.nextInt(4096, 64 * 1024);
                    case 8 -> rnd.nextInt(64 * 1024, 512 * 1024);
                    default -> (int) Math.min(Math.max(1, budget), rnd.nextInt(512 * 1024, 2 * 1024 * 1024));
                };
                String name = "f" + count + (rnd.nextInt(4) == 0 ? ".txt" : rnd.nextInt(3) == 0 ? ".dat" : "");
                file(dir.resolve(name), rnd.nextInt(3) == 0 ? random(size) : text(size));
                budget -= Math.max(size, 512);
                count++;
            }

            // Hardlinks: a group of three across folders, a pair in one folder.
            Path linked = root.resolve("docs/hardlinked.txt");
            file(linked, text(5000));
            Files.createLink(root.resolve("src/hardlink-2.txt"), linked);
            Files.createLink(root.resolve("home/user/hardlink-3"), linked);
            Path pair = root.resolve("var/log/pair-a");
            file(pair, random(777));
            Files.createLink(root.resolve("var/log/pair-b"), pair);

            // Symlinks: relative, absolute (outside the tree), to a folder, a chain, dangling ones.
            Files.createSymbolicLink(root.resolve("link-relative"), Path.of("docs/hardlinked.txt"));
            Files.createSymbolicLink(root.resolve("docs/link-up"), Path.of("../one-byte"));
            Files.createSymbolicLink(root.resolve("link-absolute"), Path.of("/etc/hostname"));
            Files.createSymbolicLink(root.resolve("link-to-dir"), Path.of("src/main"));
            Files.createSymbolicLink(root.resolve("link-chain"), Path.of("link-relative"));
            Files.createSymbolicLink(root.resolve("link-dangling"), Path.of("does/not/exist"));
            Files.createSymbolicLink(root.resolve("données/lien-ünïcode"), Path.of("日本語/" + NAMES[0]));
            Files.createSymbolicLink(root.resolve("var/link-long"), Path.of("x".repeat(200) + "/" + "y".repeat(200)));

            // Xattrs on files and folders.
            List<Path> sortedFiles = sorted(files);
            for (int i = 0; i < sortedFiles.size(); i += 7) {
                xattrs(sortedFiles.get(i));
            }
            xattr(root.resolve("docs"), "user.folder", "documents".getBytes(StandardCharsets.UTF_8));
            xattr(root.resolve("empty"), "user.empty-value", new byte[0]);
            xattr(root.resolve("empty"), "user.binary", new byte[] {0, 1, 2, (byte) 0xff, 0, 10});
            xattr(linked, "user.hardlinked", "shared by all names".getBytes(StandardCharsets.UTF_8));

            // Owners, then modes (chown clears setuid/setgid), then mtimes bottom-up.
            finish(root, rnd, root0);
        }

        private void xattrs(Path p) throws IOException {
            int n = rnd.nextInt(1, 4);
            for (int i = 0; i < n; i++) {
                byte[] v = rnd.nextBoolean() ? ("value-" + rnd.nextInt(1000)).getBytes(StandardCharsets.UTF_8)
                        : random(rnd.nextInt(0, 300));
                xattr(p, "user.attr" + i, v);
            }
        }

        private void file(Path p, byte[] content) throws IOException {
            Files.write(p, content);
            files.add(p);
        }

        private void largeFile(Path p, long size, boolean compressible) throws IOException {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long left = size;
                while (left > 0) {
                    int n = (int) Math.min(left, MIB);
                    ch.write(ByteBuffer.wrap(compressible ? text(n) : random(n)));
                    left -= n;
                }
            }
            files.add(p);
        }

        private void sparse(Path p, long size, long[] dataOffsets) throws IOException {
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
                for (long off : dataOffsets) {
                    f.seek(off);
                    f.write(random(64 * 1024));
                }
                f.setLength(size); // extends without writing: the file ends with a hole
            }
            files.add(p);
        }

        private byte[] random(int n) {
            byte[] b = new byte[n];
            rnd.nextBytes(b);
            return b;
        }

        private byte[] text(int n) {
            return TreeGenerator.text(rnd, n);
        }
    }

    static byte[] text(SplittableRandom rnd, int n) {
        StringBuilder sb = new StringBuilder(n + 32);
        while (sb.length() < n) {
            sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(all, n);
    }

    /**
     * Sets owners, modes and mtimes on everything under root (root's own mtime too), deterministically. Paths are
     * visited in sorted order so that the random choices do not depend on directory listing order.
     */
    private static void finish(Path root, SplittableRandom rnd, boolean canChown) throws IOException {
        List<Path> all = listAll(root);
        for (Path p : all) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (canChown) {
                setOwner(p, UIDS[rnd.nextInt(UIDS.length)], GIDS[rnd.nextInt(GIDS.length)]);
            }
            if (a.isDirectory()) {
                setMode(p, p.equals(root) ? 0755 : DIR_MODES[rnd.nextInt(DIR_MODES.length)]);
            } else if (a.isRegularFile()) {
                int mode = FILE_MODES[rnd.nextInt(FILE_MODES.length)];
                if (rnd.nextInt(25) == 0) {
                    mode |= rnd.nextBoolean() ? 04000 : 02000; // setuid / setgid
                }
                setMode(p, mode);
            }
        }
        // mtimes last, children before parents (creating entries changes the parent's mtime).
        List<Path> deepestFirst = new ArrayList<>(all);
        deepestFirst.sort(Comparator.comparingInt(Path::getNameCount).reversed().thenComparing(Path::toString));
        for (Path p : deepestFirst) {
            setMtime(p, randomTime(rnd));
        }
    }

    static FileTime randomTime(SplittableRandom rnd) {
        long seconds = BASE_EPOCH_SECOND + rnd.nextLong(20L * 365 * 24 * 3600);
        long nanos = rnd.nextInt(1_000_000_000);
        return FileTime.from(java.time.Instant.ofEpochSecond(seconds, nanos));
    }

    /**
     * Everything under root, root included, in sorted path order (not following symlinks). The
     * backup tool's own state (.stream_backup_*) and nested subvolumes (another st_dev on btrfs)
     * are left out: a mutation must change the data, never the snapshots taken of it.
     */
    static List<Path> listAll(Path root) throws IOException {
        TreeSet<Path> all = new TreeSet<>(Comparator.comparing(Path::toString));
        Object rootDev = Files.getAttribute(root, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root) && (dir.getFileName().toString().startsWith(".stream_backup_")
                        || !rootDev.equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS)))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                all.add(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                all.add(file);
                return FileVisitResult.CONTINUE;
            }
        });
        return new ArrayList<>(all);
    }

    static void setOwner(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    static void setMode(Path p, int mode) throws IOException {
        Files.setAttribute(p, "unix:mode", mode);
    }

    static void setMtime(Path p, FileTime t) throws IOException {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
    }

    static void xattr(Path p, String name, byte[] value) throws IOException {
        String n = name.startsWith("user.") ? name.substring(5) : name;
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class).write(n, ByteBuffer.wrap(value));
    }

    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static List<Path> sorted(List<Path> paths) {
        List<Path> s = new ArrayList<>(paths);
        s.sort(Comparator.comparing(Path::toString));
        return s;
    }

    // ---------------------------------------------------------------------------------------------------------

    private static final class Mutator {
        private final Path root;
        private final SplittableRandom rnd;
        private final boolean root0 = isRoot();
        private final TreeSet<Path> touched = new TreeSet<>(Comparator.comparing(Path::toString));
        private final TreeSet<Path> used = new TreeSet<>(Comparator.comparing(Path::toString));

        /**
         * Names this mutation adds carry it, so mutating the same tree again never collides. It depends on the seed
         * and on the tree's names, so that even the same seed applied twice gives new names the second time.
         */
        private String tag;

        Mutator(Path root, SplittableRandom rnd) {
            this.root = root;
            this.rnd = rnd;
        }

        void run() throws IOException {
            List<Path> all = listAll(root);
            int treeHash = 1;
            for (Path p : all) {
                treeHash = 31 * treeHash + root.relativize(p).toString().hashCode();
            }
            tag = Integer.toHexString(rnd.nextInt() ^ treeHash);
            List<Path> regular = new ArrayList<>();
            List<Path> dirs = new ArrayList<>();
            List<Path> links = new ArrayList<>();
            for (Path p : all) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile() && nlink(p) == 1 && !p.getFileName().toString().startsWith("pair-")) {
                    regular.add(p);
                } else if (a.isDirectory() && !p.equals(root)) {
                    dirs.add(p);
                } else if (a.isSymbolicLink()) {
                    links.add(p);
                }
            }
            if (regular.size() < 12 || dirs.size() < 3) {
                throw new IOException("tree too small to mutate (need 12 single-link files and 3 folders): " + root);
            }
            List<Path> nonEmpty = new ArrayList<>();
            for (Path p : regular) {
                if (Files.size(p) > 16) {
                    nonEmpty.add(p);
                }
            }

            // Modify in place: overwrite a range in the middle (the largest file gets one too).
            Path largest = nonEmpty.stream().max(Comparator.comparingLong(Mutator::size)).orElseThrow();
            overwrite(largest);
            overwrite(pick(nonEmpty));
            // Append, truncate (shrink), truncate to zero.
            append(pick(regular));
            truncate(pick(nonEmpty), false);
            truncate(pick(nonEmpty), true);
            // Delete files.
            for (int i = 0; i < 3; i++) {
                Path victim = pick(regular);
                Files.delete(victim);
                changed(victim.getParent());
            }
            // Rename within a folder and across folders.
            Path renamed = pick(regular);
            Path target = renamed.resolveSibling(renamed.getFileName() + ".renamed");
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                target = renamed.resolveSibling(renamed.getFileName() + ".renamed-" + tag);
            }
            Files.move(renamed, target);
            used.add(target);
            changed(renamed.getParent());
            Path moved = pick(regular);
            Path destDir = pickDirNotUnder(dirs, moved);
            Path movedTo = destDir.resolve("moved-" + moved.getFileName());
            if (!Files.exists(movedTo, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(moved, movedTo);
                used.add(movedTo);
                changed(moved.getParent());
                changed(destDir);
            }
            // chmod and chown.
            Path chmodded = pick(regular);
            setMode(chmodded, (Integer) Files.getAttribute(chmodded, "unix:mode") & 07777 ^ 0111);
            touch(chmodded);
            if (root0) {
                Path chowned = pick(regular);
                setOwner(chowned, 4242 + rnd.nextInt(100), 4343 + rnd.nextInt(100));
                touch(chowned);
                if (!links.isEmpty()) {
                    Path link = links.get(rnd.nextInt(links.size()));
                    setOwner(link, 777, 778);
                    touch(link);
                }
            }
            // Xattrs: add, change, remove.
            Path x = pick(regular);
            xattr(x, "user.added", ("added-" + rnd.nextInt()).getBytes(StandardCharsets.UTF_8));
            touch(x);
            xattr(root.resolve("docs"), "user.folder", "changed".getBytes(StandardCharsets.UTF_8));
            touch(root.resolve("docs"));
            Path withX = firstWithXattr(regular);
            if (withX != null) {
                UserDefinedFileAttributeView v = Files.getFileAttributeView(withX, UserDefinedFileAttributeView.class);
                v.delete(new TreeSet<>(v.list()).first());
                touch(withX);
            }
            // Only the mtime.
            touch(pick(regular));
            // Hardlinks: a new link to an existing file, remove one name of a group.
            Path linkSource = pick(regular);
            Path newLink = linkSource.resolveSibling(linkSource.getFileName() + ".hardlink-" + tag);
            Files.createLink(newLink, linkSource);
            used.add(newLink);
            changed(newLink.getParent());
            Path groupMember = root.resolve("home/user/hardlink-3");
            if (Files.exists(groupMember, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(groupMember);
                changed(groupMember.getParent());
            }
            // Break a hardlink pair: one name becomes an independent copy with the same content.
            Path pairB = root.resolve("var/log/pair-b");
            if (Files.exists(pairB, LinkOption.NOFOLLOW_LINKS) && nlink(pairB) > 1) {
                Path tmp = pairB.resolveSibling("pair-b.tmp");
                Files.write(tmp, Files.readAllBytes(pairB));
                Files.move(tmp, pairB, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                setMode(pairB, 0640);
                touch(pairB);
                changed(pairB.getParent());
            }
            // Symlinks: retarget one, add one.
            Path relink = root.resolve("link-relative");
            if (Files.isSymbolicLink(relink)) {
                Files.delete(relink);
                Files.createSymbolicLink(relink, Path.of("one-byte"));
                touch(relink);
                changed(root);
            }
            Path newSym = root.resolve("docs/link-new-" + tag);
            Files.createSymbolicLink(newSym, Path.of("../" + root.relativize(pick(regular)).toString()));
            touch(newSym);
            changed(newSym.getParent());
            // Add files and a folder with content.
            Path newDir = Files.createDirectories(root.resolve("added-" + rnd.nextInt(1000) + "/nested"));
            for (int i = 0; i < 5; i++) {
                Path f = newDir.resolve("new-" + i + ".txt");
                Files.write(f, text(rnd, rnd.nextInt(0, 20000)));
                touch(f);
            }
            touch(newDir);
            touch(newDir.getParent());
            changed(root);
            Path newFile = pick(dirs).resolve("added-file-" + rnd.nextInt(100000));
            Files.write(newFile, text(rnd, 3000));
            touch(newFile);
            changed(newFile.getParent());
            // Rename a folder, delete a folder tree (both chosen among folders not touched above).
            Path dirToRename = pickUntouchedDir(dirs);
            if (dirToRename != null) {
                Path renamedDir = dirToRename.resolveSibling(dirToRename.getFileName() + "-renamed");
                if (Files.exists(renamedDir, LinkOption.NOFOLLOW_LINKS)) {
                    renamedDir = dirToRename.resolveSibling(dirToRename.getFileName() + "-renamed-" + tag);
                }
                Files.move(dirToRename, renamedDir);
                changed(dirToRename.getParent());
                touch(renamedDir);
            }
            Path dirToDelete = pickUntouchedDir(dirs);
            if (dirToDelete != null) {
                deleteTree(dirToDelete);
                changed(dirToDelete.getParent());
            }
            // Deterministic mtimes for everything changed (deepest first; parents after children).
            List<Path> order = new ArrayList<>(touched);
            order.sort(Comparator.comparingInt(Path::getNameCount).reversed().thenComparing(Path::toString));
            for (Path p : order) {
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    setMtime(p, randomTime(rnd));
                }
            }
        }

        private static long size(Path p) {
            try {
                return Files.size(p);
            } catch (IOException e) {
                return 0;
            }
        }

        /** A file not yet picked (and still there), chosen at random. */
        private Path pick(List<Path> candidates) throws IOException {
            for (int attempt = 0; attempt < 10_000; attempt++) {
                Path p = candidates.get(rnd.nextInt(candidates.size()));
                if (!used.contains(p) && Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    used.add(p);
                    return p;
                }
            }
            throw new IOException("no unused candidate left in " + root);
        }

        private Path pickDirNotUnder(List<Path> dirs, Path file) {
            List<Path> options = new ArrayList<>();
            for (Path d : dirs) {
                if (!d.equals(file.getParent()) && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                    options.add(d);
                }
            }
            return options.isEmpty() ? root : options.get(rnd.nextInt(options.size()));
        }

        /** A folder (not the deep chain's top) none of whose entries was picked or touched so far. */
        private Path pickUntouchedDir(List<Path> dirs) {
            List<Path> options = new ArrayList<>();
            for (Path d : dirs) {
                if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) || d.getNameCount() > root.getNameCount() + 3) {
                    continue;
                }
                boolean clean = true;
                for (Path u : used) {
                    if (u.startsWith(d)) {
                        clean = false;
                        break;
                    }
                }
                for (Path t : touched) {
                    if (t.startsWith(d)) {
                        clean = false;
                        break;
                    }
                }
                if (clean && !d.equals(root.resolve("docs")) && !d.equals(root.resolve("home"))
                        && !d.equals(root.resolve("home/user"))) {
                    options.add(d);
                }
            }
            if (options.isEmpty()) {
                return null;
            }
            Path chosen = options.get(rnd.nextInt(options.size()));
            used.add(chosen);
            return chosen;
        }

        private void overwrite(Path p) throws IOException {
            long size = Files.size(p);
            int len = (int) Math.min(size / 2, 256 * 1024);
            long off = len == 0 ? 0 : rnd.nextLong(0, size - len + 1);
            byte[] data = new byte[Math.max(1, len)];
            rnd.nextBytes(data);
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(data), off);
            }
            touch(p);
        }

        private void append(Path p) throws IOException {
            Files.write(p, text(rnd, rnd.nextInt(1, 50_000)), StandardOpenOption.APPEND);
            touch(p);
        }

        private void truncate(Path p, boolean toZero) throws IOException {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.truncate(toZero ? 0 : ch.size() / 3);
            }
            touch(p);
        }

        private Path firstWithXattr(List<Path> regular) throws IOException {
            for (Path p : regular) {
                if (used.contains(p) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
                if (!v.list().isEmpty()) {
                    used.add(p);
                    return p;
                }
            }
            return null;
        }

        private void touch(Path p) {
            touched.add(p);
            used.add(p);
        }

        private void changed(Path dir) {
            touched.add(dir);
        }

        private static long nlink(Path p) throws IOException {
            return ((Number) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).longValue();
        }

        private static void deleteTree(Path dir) throws IOException {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    if (exc != null) {
                        throw exc;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
    }
}
