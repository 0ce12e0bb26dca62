package btrfss3.testenv;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopbackBtrfsTest {
    private static final long SIZE = 256L << 20;
    private final List<Process> children = new ArrayList<>();
    private final List<LoopbackBtrfs> opened = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        opened.forEach(LoopbackBtrfs::close);
        LoopbackBtrfs.cleanLeftovers(); // what killed children left
    }

    private LoopbackBtrfs create(String label) throws IOException {
        LoopbackBtrfs fs = LoopbackBtrfs.create(label, SIZE);
        opened.add(fs);
        return fs;
    }

    private static String fsType(Path mountPoint) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (f[4].equals(mountPoint.toString()) && dash > 0) {
                return f[dash + 1];
            }
        }
        return null;
    }

    private static List<String> loopDevicesOf(Path image) throws IOException {
        Proc.Result r = Proc.run(List.of("losetup", "-n", "-O", "NAME", "-j", image.toString()), 30).check();
        return r.stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static boolean loopAttached(String device) throws IOException {
        Proc.Result r = Proc.run(List.of("losetup", "-n", "-O", "NAME,BACK-FILE", "-a"), 30).check();
        return r.stdout().lines().anyMatch(l -> l.strip().startsWith(device + " "));
    }

    @Test
    void createsMountsMakesSubvolumesAndTearsDown() throws IOException {
        LoopbackBtrfs fs = create("basic");
        Path mnt = fs.mountPoint();
        Path image = fs.stateDir().resolve("image");
        assertTrue(mnt.isAbsolute());
        assertEquals("btrfs", fsType(mnt));
        assertEquals(List.of(fs.loopDevice()), loopDevicesOf(image));
        assertTrue(Files.size(image) == SIZE, "image size");
        assertTrue(Files.readString(fs.stateDir().resolve("owner")).contains("pid=" + ProcessHandle.current().pid()));

        Path sub = fs.createSubvolume("a/b/sub");
        assertEquals(mnt.resolve("a/b/sub"), sub);
        Proc.run(List.of("btrfs", "subvolume", "show", sub.toString()), 30).check();
        Files.writeString(sub.resolve("file"), "content");
        Path snap = fs.snapshot(sub, "snap", true);
        assertEquals("content", Files.readString(snap.resolve("file")));
        assertThrows(IOException.class, () -> Files.writeString(snap.resolve("other"), "x"), "read-only snapshot");
        assertThrows(IllegalArgumentException.class, () -> fs.createSubvolume("../escape"));
        assertThrows(IllegalArgumentException.class, () -> fs.createSubvolume("/abs"));

        String loop = fs.loopDevice();
        fs.close();
        assertFalse(LoopbackBtrfs.isMounted(mnt), "still mounted");
        assertFalse(loopAttached(loop), loop + " still attached");
        assertFalse(Files.exists(fs.stateDir()), "state folder left");
        assertDoesNotThrow(fs::close);
    }

    @Test
    void closeUnmountsEvenWhileAFileIsOpen() throws IOException {
        LoopbackBtrfs fs = create("busy");
        Path mnt = fs.mountPoint();
        Path file = fs.createSubvolume("sub").resolve("held-open");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("busy".getBytes(StandardCharsets.UTF_8)));
            fs.close(); // must not throw nor hang: lazy unmount
            assertFalse(LoopbackBtrfs.isMounted(mnt), "mount point still visible");
            assertFalse(Files.exists(fs.stateDir()), "state folder left");
        }
    }

    @Test
    void twoInstancesAreIndependent() throws IOException {
        LoopbackBtrfs a = create("twin");
        LoopbackBtrfs b = create("twin");
        assertNotEquals(a.mountPoint(), b.mountPoint());
        assertNotEquals(a.loopDevice(), b.loopDevice());
        a.close();
        assertFalse(LoopbackBtrfs.isMounted(a.mountPoint()));
        assertEquals("btrfs", fsType(b.mountPoint()));
        Files.writeString(b.mountPoint().resolve("still-works"), "yes");
        assertEquals(0, LoopbackBtrfs.cleanLeftovers() - LoopbackBtrfs.cleanLeftovers(), "idempotent");
        assertTrue(LoopbackBtrfs.isMounted(b.mountPoint()), "cleanLeftovers touched a live instance");
    }

    /** Starts `HarnessMain mkfs LABEL 256M` in a child JVM and returns its first output line (the mount point). */
    private Process startChild(Path errFile, String label, String... jvmArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), HarnessMain.class.getName(),
                "mkfs", label, "256M", "sub"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errFile.toFile());
        Process p = pb.start();
        children.add(p);
        return p;
    }

    private static String firstLine(Process p, Path errFile) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine(); // blocks until the child has mounted (or died)
        if (line == null) {
            throw new AssertionError("child printed nothing; stderr: " + Files.readString(errFile));
        }
        return line;
    }

    @Test
    void leftoverOfAKilledProcessIsCleanedAndLiveOnesAreNot(@TempDir Path tmp) throws Exception {
        Process doomed = startChild(tmp.resolve("doomed.err"), "doomed");
        Process alive = startChild(tmp.resolve("alive.err"), "alive");
        Path doomedMnt = Path.of(firstLine(doomed, tmp.resolve("doomed.err")));
        Path aliveMnt = Path.of(firstLine(alive, tmp.resolve("alive.err")));
        LoopbackBtrfs mine = create("mine");
        assertEquals("btrfs", fsType(doomedMnt));
        assertEquals("btrfs", fsType(aliveMnt));
        String doomedLoop = Files.readString(doomedMnt.getParent().resolve("loopdev")).strip();

        doomed.destroyForcibly(); // SIGKILL: no shutdown hook runs
        doomed.onExit().get(60, TimeUnit.SECONDS);
        assertEquals(137, doomed.exitValue());
        assertTrue(LoopbackBtrfs.isMounted(doomedMnt), "a killed owner leaves its mount behind");

        assertTrue(LoopbackBtrfs.cleanLeftovers() >= 1);
        assertFalse(LoopbackBtrfs.isMounted(doomedMnt), "leftover mount not removed");
        assertFalse(loopAttached(doomedLoop), "leftover loop device not detached");
        assertFalse(Files.exists(doomedMnt.getParent()), "leftover state folder not removed");
        assertEquals("btrfs", fsType(aliveMnt), "a live process's mount was touched");
        assertTrue(Files.isDirectory(aliveMnt.resolve("sub")));
        assertEquals("btrfs", fsType(mine.mountPoint()), "this JVM's mount was touched");

        alive.destroy(); // SIGTERM: its shutdown hook unmounts
        alive.onExit().get(60, TimeUnit.SECONDS);
        assertFalse(LoopbackBtrfs.isMounted(aliveMnt), "SIGTERM did not unmount");
        assertFalse(Files.exists(aliveMnt.getParent()), "SIGTERM left the state folder");
    }

    @Test
    void withoutBtrfsTestsSkipOutsideCiAndFailUnderCi(@TempDir Path tmp) throws Exception {
        for (boolean ci : new boolean[] {false, true}) {
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-D" + LoopbackBtrfs.FORCE_UNAVAILABLE_PROPERTY + "=simulated", "-cp",
                    System.getProperty("java.class.path"), HarnessMain.class.getName(), "mkfs", "never", "256M");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("out-" + ci).toFile());
            pb.environment().remove("CI");
            if (ci) {
                pb.environment().put("CI", "true");
            }
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String out = Files.readString(tmp.resolve("out-" + ci));
            assertEquals(2, p.exitValue(), out);
            assertTrue(out.contains(ci ? "required under CI=true" : "not available, skipped"), out);
            assertTrue(out.contains("simulated"), out);
        }
    }
}
