package btrfss3.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opentest4j.TestAbortedException;

/**
 * A btrfs file system on a sparse image file, attached to a loop device and mounted, for tests.
 *
 * <p>Every instance lives in a state folder {@code <root>/<id>/} (root: {@code $BTRFSS3_HARNESS_DIR}, by default
 * {@code /var/tmp/btrfss3-harness}) that holds {@code owner} (the owning process: pid and start time), {@code lock}
 * (locked by the owner for as long as it lives), {@code image} and the mount point {@code mnt/}. {@link #close()} and
 * a JVM shutdown hook (SIGTERM, SIGINT, normal exit) tear it down; after a {@code kill -9} the next
 * {@link #create} or {@link #cleanLeftovers()} of any process removes it. Folders whose owner still lives are
 * never touched, so concurrent test JVMs keep their mounts.
 *
 * <p>When btrfs cannot be mounted (not root, no loop devices, no btrfs-progs...), {@link #create} throws
 * {@link TestAbortedException} (JUnit reports the test as skipped, with the reason), except when the environment
 * variable {@code CI} is {@code true}: there it throws {@link IOException} so that the test fails.
 */
public final class LoopbackBtrfs implements AutoCloseable {
    /** Environment variable that moves the state root (default /var/tmp/btrfss3-harness). */
    public static final String STATE_DIR_ENV = "BTRFSS3_HARNESS_DIR";

    private static final Set<LoopbackBtrfs> OPEN = new LinkedHashSet<>();
    private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();
    private static final AtomicBoolean LEFTOVERS_CLEANED = new AtomicBoolean();
    private static volatile String ownerKind = "jvm";

    private final String label;
    private final Path stateDir;
    private final Path image;
    private final Path mountPoint;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private volatile String loopDevice;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LoopbackBtrfs(String label, Path stateDir, FileChannel lockChannel, FileLock lock) {
        this.label = label;
        this.stateDir = stateDir;
        this.image = stateDir.resolve("image");
        this.mountPoint = stateDir.resolve("mnt");
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** The folder under which every instance keeps its state folder. */
    public static Path stateRoot() {
        String env = System.getenv(STATE_DIR_ENV);
        return Path.of(env == null || env.isBlank() ? "/var/tmp/btrfss3-harness" : env).toAbsolutePath();
    }

    /** True when the environment variable CI is "true": btrfs must then be usable, tests fail instead of skipping. */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(String.valueOf(System.getenv("CI")).strip());
    }

    /** Marks instances created from now on in this process as owned by a command-line process (see HarnessMain). */
    static void markOwnerKind(String kind) {
        ownerKind = kind;
    }

    /**
     * Creates a sparse image of sizeBytes (btrfs needs about 120 MiB at least; 256 MiB or more is comfortable,
     * the image only takes the space written), formats it with the given label, attaches and mounts it.
     */
    public static LoopbackBtrfs create(String label, long sizeBytes) throws IOException {
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("size must be positive: " + sizeBytes);
        }
        if (LEFTOVERS_CLEANED.compareAndSet(false, true)) {
            cleanLeftovers();
        }
        String why = prerequisitesMissing();
        if (why != null) {
            throw unavailable(why);
        }
        String safeLabel = label == null || label.isBlank() ? "test" : label;
        String id = safeLabel.replaceAll("[^A-Za-z0-9._-]", "_");
        if (id.length() > 40) {
            id = id.substring(0, 40);
        }
        id = id + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Path root = stateRoot();
        Files.createDirectories(root);
        Path dir = root.resolve(id);
        Files.createDirectory(dir);
        FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IOException("cannot lock fresh state folder " + dir);
        }
        LoopbackBtrfs fs = new LoopbackBtrfs(safeLabel, dir, channel, lock);
        try {
            writeOwner(dir, safeLabel);
            register(fs);
            fs.setUp(safeLabel, sizeBytes);
            return fs;
        } catch (IOException | RuntimeException | Error e) {
            fs.close();
            throw e;
        }
    }

    private void setUp(String fsLabel, long sizeBytes) throws IOException {
        try (FileChannel img = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            img.truncate(0);
            img.position(sizeBytes - 1);
            img.write(java.nio.ByteBuffer.wrap(new byte[] {0}));
        }
        Files.createDirectory(mountPoint);
        String mkfsLabel = fsLabel.length() > 200 ? fsLabel.substring(0, 200) : fsLabel;
        Proc.run(List.of("mkfs.btrfs", "-q", "-f", "-L", mkfsLabel, image.toString()), 120).check();
        Proc.Result attach = Proc.run(List.of("losetup", "--find", "--show", image.toString()), 60);
        if (!attach.ok() || attach.stdout().isBlank()) {
            throw unavailable("cannot attach a loop device: " + attach.describe());
        }
        loopDevice = attach.stdout().strip();
        Files.writeString(stateDir.resolve("loopdev"), loopDevice + "\n");
        Proc.Result mount = Proc.run(List.of("mount", "-t", "btrfs", loopDevice, mountPoint.toString()), 60);
        if (!mount.ok()) {
            throw unavailable("cannot mount btrfs: " + mount.describe());
        }
    }

    /** System property that makes create() behave as if btrfs could not be mounted (to test the CI rule). */
    static final String FORCE_UNAVAILABLE_PROPERTY = "btrfss3.harness.forceUnavailable";

    private static String prerequisitesMissing() {
        String forced = System.getProperty(FORCE_UNAVAILABLE_PROPERTY);
        if (forced != null) {
            return "forced by -D" + FORCE_UNAVAILABLE_PROPERTY + ": " + forced;
        }
        if (!"Linux".equalsIgnoreCase(System.getProperty("os.name"))) {
            return "loopback btrfs needs Linux, this is " + System.getProperty("os.name");
        }
        for (String tool : List.of("mkfs.btrfs", "btrfs", "losetup", "mount", "umount")) {
            if (!Proc.onPath(tool)) {
                return tool + " is not installed (btrfs-progs, util-linux, mount)";
            }
        }
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (!Integer.valueOf(0).equals(uid)) {
                return "loopback btrfs needs root (uid 0), running as uid " + uid;
            }
        } catch (IOException | RuntimeException e) {
            return "cannot determine the user id: " + e;
        }
        if (!Files.exists(Path.of("/dev/loop-control"))) {
            return "no /dev/loop-control: loop devices are not available";
        }
        return null;
    }

    /**
     * Reports that btrfs cannot be used: under CI returns an IOException for the caller to throw (the test fails),
     * elsewhere throws TestAbortedException (JUnit reports the test as skipped with the reason).
     */
    private static IOException unavailable(String reason) {
        if (isCi()) {
            return new IOException("btrfs is required under CI=true but cannot be used: " + reason);
        }
        throw new TestAbortedException("loopback btrfs is not available, skipped (under CI=true this fails): " + reason);
    }

    private static void writeOwner(Path dir, String fsLabel) throws IOException {
        Properties p = new Properties();
        long pid = ProcessHandle.current().pid();
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("start", String.valueOf(startTime(pid)));
        p.setProperty("kind", ownerKind);
        p.setProperty("label", fsLabel);
        p.setProperty("created", Instant.now().toString());
        Path tmp = dir.resolve("owner.tmp");
        try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "btrfss3 test harness: loopback btrfs owned by this process");
        }
        Files.move(tmp, dir.resolve("owner"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static synchronized void register(LoopbackBtrfs fs) {
        if (HOOK_INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(LoopbackBtrfs::closeAllOpen, "btrfss3-loopback-cleanup"));
        }
        OPEN.add(fs);
    }

    private static void closeAllOpen() {
        List<LoopbackBtrfs> all;
        synchronized (LoopbackBtrfs.class) {
            all = new ArrayList<>(OPEN);
        }
        for (LoopbackBtrfs fs : all) {
            fs.close();
        }
    }

    /** The absolute mount point (a folder inside the state folder). */
    public Path mountPoint() {
        return mountPoint;
    }

    public String label() {
        return label;
    }

    /** The loop device, e.g. /dev/loop3 (null before it was attached). */
    public String loopDevice() {
        return loopDevice;
    }

    /** The state folder of this instance (holds owner, lock, image, mnt). */
    public Path stateDir() {
        return stateDir;
    }

    /** Creates a subvolume at the given path relative to the mount point (parent folders are created). */
    public Path createSubvolume(String relativePath) throws IOException {
        Path target = inside(relativePath);
        Files.createDirectories(target.getParent());
        Proc.run(List.of("btrfs", "subvolume", "create", target.toString()), 60).check();
        return target;
    }

    /** Snapshots a subvolume to a path relative to the mount point; readOnly snapshots can be sent. */
    public Path snapshot(Path source, String relativeDest, boolean readOnly) throws IOException {
        Path target = inside(relativeDest);
        Files.createDirectories(target.getParent());
        List<String> cmd = new ArrayList<>(List.of("btrfs", "subvolume", "snapshot"));
        if (readOnly) {
            cmd.add("-r");
        }
        cmd.add(source.toAbsolutePath().toString());
        cmd.add(target.toString());
        Proc.run(cmd, 60).check();
        return target;
    }

    /** Deletes a subvolume or snapshot (absolute, or relative to the mount point). */
    public void deleteSubvolume(Path subvolume) throws IOException {
        Path p = mountPoint.resolve(subvolume);
        Proc.run(List.of("btrfs", "subvolume", "delete", p.toString()), 60).check();
    }

    /** Flushes the file system (btrfs filesystem sync). */
    public void sync() throws IOException {
        Proc.run(List.of("btrfs", "filesystem", "sync", mountPoint.toString()), 60).check();
    }

    private Path inside(String relativePath) {
        Path rel = Path.of(relativePath);
        Path target = mountPoint.resolve(rel).normalize();
        if (rel.isAbsolute() || !target.startsWith(mountPoint) || target.equals(mountPoint)) {
            throw new IllegalArgumentException("not a path inside the mount point: " + relativePath);
        }
        return target;
    }

    /** Unmounts (retrying, then lazily if still busy), detaches the loop device, deletes the image. Never throws. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            List<String> problems = tearDown(stateDir, loopDevice);
            for (String problem : problems) {
                System.err.println("btrfss3 harness: " + problem);
            }
        } catch (Throwable t) {
            System.err.println("btrfss3 harness: cleaning " + stateDir + " failed: " + t);
        } finally {
            try {
                lock.release();
            } catch (Throwable ignored) {
                // the channel may already be gone
            }
            try {
                lockChannel.close();
            } catch (Throwable ignored) {
                // nothing left to do
            }
            deleteQuietly(stateDir.resolve("lock"));
            deleteQuietly(stateDir);
            synchronized (LoopbackBtrfs.class) {
                OPEN.remove(this);
            }
        }
    }

    /**
     * Removes the state folders (mount, loop device, image) left by harness processes that died without cleaning up
     * (kill -9, crash). Folders of live processes, including this one, are left alone. Returns how many were removed.
     */
    public static int cleanLeftovers() {
        Path root = stateRoot();
        if (!Files.isDirectory(root)) {
            return 0;
        }
        Set<Path> mine = new java.util.HashSet<>();
        synchronized (LoopbackBtrfs.class) {
            for (LoopbackBtrfs fs : OPEN) {
                mine.add(fs.stateDir);
            }
        }
        int removed = 0;
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path d : ds) {
                if (Files.isDirectory(d, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    dirs.add(d);
                }
            }
        } catch (IOException e) {
            System.err.println("btrfss3 harness: cannot list " + root + ": " + e);
            return 0;
        }
        for (Path d : dirs) {
            if (mine.contains(d)) {
                continue;
            }
            try {
                if (cleanIfOwnerDead(d)) {
                    removed++;
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("btrfss3 harness: cannot clean leftover " + d + ": " + e);
            }
        }
        return removed;
    }

    /** Live harness state folders owned by other processes: folder -> owner properties. */
    static Map<Path, Properties> liveOwners() throws IOException {
        Map<Path, Properties> live = new java.util.TreeMap<>();
        Path root = stateRoot();
        if (!Files.isDirectory(root)) {
            return live;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path d : ds) {
                Properties owner = readOwner(d);
                if (owner != null && ownerAlive(owner)) {
                    live.put(d, owner);
                }
            }
        }
        return live;
    }

    private static boolean cleanIfOwnerDead(Path dir) throws IOException {
        Properties owner = readOwner(dir);
        if (owner == null) {
            // Being created right now (the owner file is written just after the folder), or a crash in that
            // instant: only folders older than a minute without an owner file are treated as dead.
            FileTime mtime = Files.getLastModifiedTime(dir);
            if (Duration.between(mtime.toInstant(), Instant.now()).compareTo(Duration.ofMinutes(1)) < 0) {
                return false;
            }
        } else if (ownerAlive(owner)) {
            return false;
        }
        Path lockFile = dir.resolve("lock");
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            channel = null;
        }
        FileLock lock = null;
        try {
            if (channel != null) {
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    return false; // held by this JVM
                }
                if (lock == null) {
                    return false; // held by a live process, or another cleaner is at it
                }
            }
            String loopdev = null;
            try {
                loopdev = Files.readString(dir.resolve("loopdev")).strip();
            } catch (NoSuchFileException ignored) {
                // never attached
            }
            List<String> problems = tearDown(dir, loopdev);
            for (String problem : problems) {
                System.err.println("btrfss3 harness: leftover " + dir + ": " + problem);
            }
            deleteQuietly(lockFile);
            deleteQuietly(dir);
            return !Files.exists(dir);
        } finally {
            if (lock != null) {
                try {
                    lock.release();
                } catch (IOException ignored) {
                    // closing the channel releases it too
                }
            }
            if (channel != null) {
                channel.close();
            }
        }
    }

    static Properties readOwner(Path dir) {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(dir.resolve("owner"), StandardCharsets.UTF_8)) {
            p.load(r);
            return p;
        } catch (IOException e) {
            return null;
        }
    }

    static boolean ownerAlive(Properties owner) {
        long pid;
        try {
            pid = Long.parseLong(owner.getProperty("pid", "-1"));
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> ph = ProcessHandle.of(pid);
        if (ph.isEmpty() || !ph.get().isAlive()) {
            return false;
        }
        String recorded = owner.getProperty("start", "");
        Long now = startTime(pid);
        // A different start time means the pid was reused by an unrelated process.
        return now == null || recorded.isEmpty() || recorded.equals("null") || recorded.equals(now.toString());
    }

    /** Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), or null. */
    static Long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[19]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Unmounts dir/mnt, detaches the loop devices of dir/image and deletes the files. Returns problems seen. */
    private static List<String> tearDown(Path dir, String recordedLoop) {
        List<String> problems = new ArrayList<>();
        Path mnt = dir.resolve("mnt");
        Path img = dir.resolve("image");
        boolean unmounted = unmount(mnt, problems);
        Set<String> devices = new LinkedHashSet<>();
        if (Files.exists(img)) {
            try {
                Proc.Result r = Proc.run(List.of("losetup", "-n", "-O", "NAME", "-j", img.toString()), 30);
                for (String line : r.stdout().split("\n")) {
                    if (!line.isBlank()) {
                        devices.add(line.strip());
                    }
                }
            } catch (IOException e) {
                problems.add("losetup -j failed: " + e.getMessage());
            }
        }
        if (recordedLoop != null && !recordedLoop.isBlank() && backingFileIs(recordedLoop, img)) {
            devices.add(recordedLoop);
        }
        for (String dev : devices) {
            try {
                Proc.Result r = Proc.run(List.of("losetup", "-d", dev), 30);
                if (!r.ok()) {
                    problems.add(r.describe());
                } else if (!awaitDetached(dev)) {
                    problems.add(dev + " still attached 30 s after losetup -d (something holds it open)");
                }
            } catch (IOException e) {
                problems.add("losetup -d " + dev + " failed: " + e.getMessage());
            }
        }
        deleteQuietly(img);
        deleteQuietly(dir.resolve("loopdev"));
        deleteQuietly(dir.resolve("owner"));
        deleteQuietly(dir.resolve("owner.tmp"));
        if (unmounted) {
            deleteQuietly(mnt);
        }
        return problems;
    }

    /**
     * losetup -d only marks a device that is still open (by a lazy unmount, or udev probing it) for
     * detaching when its last user closes it. The kernel sends no event a process could wait on, so
     * this watches sysfs until the device lets go of its file, for 30 s at most.
     */
    private static boolean awaitDetached(String device) {
        Path backing = Path.of("/sys/block", Path.of(device).getFileName().toString(), "loop", "backing_file");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (Files.exists(backing)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static boolean backingFileIs(String device, Path img) {
        try {
            Proc.Result r = Proc.run(List.of("losetup", "-n", "-O", "BACK-FILE", device), 30);
            String back = r.stdout().strip();
            if (back.endsWith(" (deleted)")) {
                back = back.substring(0, back.length() - " (deleted)".length());
            }
            return r.ok() && back.equals(img.toString());
        } catch (IOException e) {
            return false;
        }
    }

    /** Unmounts everything mounted at or below mnt. True when nothing is mounted there any more. */
    private static boolean unmount(Path mnt, List<String> problems) {
        for (int attempt = 0; attempt < 6 && isMounted(mnt); attempt++) {
            try {
                Proc.Result r = Proc.run(List.of("umount", mnt.toString()), 60);
                if (r.ok()) {
                    continue;
                }
                if (attempt == 5) {
                    problems.add(r.describe());
                }
                Thread.sleep(50L << attempt); // a process that held the mount busy may just be exiting
            } catch (IOException e) {
                problems.add("umount failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (isMounted(mnt)) {
            try {
                Proc.Result r = Proc.run(List.of("umount", "-l", mnt.toString()), 60);
                problems.add("mount " + mnt + " was busy, unmounted lazily" + (r.ok() ? "" : ": " + r.describe()));
            } catch (IOException e) {
                problems.add("umount -l failed: " + e.getMessage());
            }
        }
        return !isMounted(mnt);
    }

    /** True when something is mounted at path or below it (per /proc/self/mountinfo). */
    public static boolean isMounted(Path path) {
        String p = path.toAbsolutePath().normalize().toString();
        for (String mp : mountPoints()) {
            if (mp.equals(p) || mp.startsWith(p + "/")) {
                return true;
            }
        }
        return false;
    }

    /** All current mount points of this mount namespace. */
    public static List<String> mountPoints() {
        List<String> result = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4) {
                    result.add(unescapeMountField(f[4]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    private static String unescapeMountField(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException | StringIndexOutOfBoundsException ignored) {
                    // a literal backslash
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // reported by the caller's checks
        }
    }

    @Override
    public String toString() {
        return "LoopbackBtrfs[" + label + " at " + mountPoint + " on " + loopDevice + "]";
    }
}
