package btrfss3.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.stream.StreamBytes.Command;
import btrfss3.testenv.LoopbackBtrfs;
import btrfss3.testenv.Proc;
import btrfss3.testenv.TreeGenerator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier on streams written by the kernel: btrfs send of full and incremental snapshots, in
 * version 1, version 2 and version 2 with compressed data, checked whole and damaged in every way.
 */
class SendStreamBtrfsTest {
    @TempDir
    static Path tmp;

    /** The streams by name, in the order they were made. */
    private static final Map<String, byte[]> STREAMS = new LinkedHashMap<>();
    private static UUID snap1Uuid;
    private static UUID snap2Uuid;
    private static String snap1Dump;
    private static String snap2Dump;

    @BeforeAll
    static void sendSnapshots() throws IOException {
        try (LoopbackBtrfs fs = LoopbackBtrfs.create("stream-verifier", 1L << 30)) {
            Path src = fs.createSubvolume("data");
            // Compressed on disk, so that --compressed-data has extents to send as they are.
            Proc.run(List.of("btrfs", "property", "set", src.toString(), "compression", "zstd"), 60).check();
            TreeGenerator.generate(src, 11, 3L << 20, 1L << 20);
            Path snap1 = fs.snapshot(src, "snaps/snap-1", true);
            TreeGenerator.mutate(src, 12);
            Path snap2 = fs.snapshot(src, "snaps/snap-2", true);
            fs.sync();
            snap1Uuid = uuidOf(snap1);
            snap2Uuid = uuidOf(snap2);

            send("full-v1", null, snap1);
            send("incremental-v1", snap1, snap2, "-p", snap1.toString());
            send("full-v2", null, snap1, "--proto", "2");
            send("incremental-v2", snap1, snap2, "--proto", "2", "-p", snap1.toString());
            send("full-v2-compressed", null, snap2, "--proto", "2", "--compressed-data");
            send("incremental-v2-compressed", snap1, snap2, "--proto", "2", "--compressed-data", "-p",
                    snap1.toString());
            send("full-v1-of-snap-2", null, snap2);

            // The verifier between btrfs send's output and btrfs receive: the receive succeeds.
            Path dest = Files.createDirectories(fs.mountPoint().resolve("received"));
            receiveThroughVerifier(STREAMS.get("full-v1"), dest);
            receiveThroughVerifier(STREAMS.get("incremental-v2-compressed"), dest);
            assertEquals(snap2Uuid.toString(), field(show(dest.resolve("snap-2")), "Received UUID"));
        }
        snap1Dump = firstDumpLine("full-v1");
        snap2Dump = firstDumpLine("incremental-v1");
    }

    private static void send(String name, Path parent, Path snapshot, String... options) throws IOException {
        Path file = tmp.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("btrfs", "send", "-q", "-f", file.toString()));
        cmd.addAll(Arrays.asList(options));
        cmd.add(snapshot.toString());
        Proc.run(cmd, 300).check();
        STREAMS.put(name, Files.readAllBytes(file));
    }

    private static String show(Path subvolume) throws IOException {
        return Proc.run(List.of("btrfs", "subvolume", "show", subvolume.toString()), 60).check().stdout();
    }

    private static String field(String show, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + ":\\s*(\\S+)").matcher(show);
        assertTrue(m.find(), () -> name + " not in: " + show);
        return m.group(1);
    }

    private static UUID uuidOf(Path subvolume) throws IOException {
        return UUID.fromString(field(show(subvolume), "UUID"));
    }

    private static String firstDumpLine(String stream) throws IOException {
        Proc.Result r = Proc.run(List.of("btrfs", "receive", "--dump", "-f", tmp.resolve(stream).toString()), 120)
                .check();
        return r.stdout().lines().findFirst().orElseThrow();
    }

    private static void receiveThroughVerifier(byte[] stream, Path dest) throws IOException {
        Process p = new ProcessBuilder("btrfs", "receive", "-q", dest.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (InputStream in = new SendStreamVerifier(new ByteArrayInputStream(stream));
             OutputStream out = p.getOutputStream()) {
            in.transferTo(out);
        }
        try {
            assertEquals(0, p.waitFor(), "btrfs receive failed");
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Runs the verifier over the stream as restore would, and returns the bytes it handed out. */
    private static byte[] passThrough(byte[] stream, SendStreamVerifier[] holder) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(stream.length);
        try (SendStreamVerifier v = new SendStreamVerifier(new ByteArrayInputStream(stream))) {
            holder[0] = v;
            v.transferTo(out);
        }
        return out.toByteArray();
    }

    private static SendStreamException fails(byte[] stream) {
        return assertThrows(SendStreamException.class,
                () -> SendStreamVerifier.verify(new ByteArrayInputStream(stream)));
    }

    private static void assertMessage(SendStreamException e, String part) {
        assertTrue(e.getMessage().contains(part), () -> "expected \"" + part + "\" in: " + e.getMessage());
    }

    private static byte[] stream(String name) {
        return STREAMS.get(name);
    }

    @Test
    void kernelStreamsPassUnchangedWithTheRightSummary() throws IOException {
        for (Map.Entry<String, byte[]> e : STREAMS.entrySet()) {
            String name = e.getKey();
            byte[] s = e.getValue();
            SendStreamVerifier[] v = new SendStreamVerifier[1];
            assertArrayEquals(s, passThrough(s, v), name);
            StreamSummary sum = v[0].summary();
            assertEquals(name.contains("-v2") ? 2 : 1, sum.version(), name);
            assertEquals(s.length, sum.bytes(), name);
            assertEquals(StreamBytes.commands(s).size(), sum.commands(), name);
            boolean ofSnap2 = name.startsWith("incremental") || name.endsWith("snap-2") || name.contains("compressed");
            assertEquals(ofSnap2 ? snap2Uuid : snap1Uuid, sum.uuid(), name);
            assertEquals(ofSnap2 ? "snap-2" : "snap-1", sum.name(), name);
            if (name.startsWith("incremental")) {
                assertTrue(sum.incremental(), name);
                assertEquals(snap1Uuid, sum.parentUuid(), name);
                assertEquals(check(stream("full-v1")).ctransid(), sum.parentCtransid(), name);
            } else {
                assertFalse(sum.incremental(), name);
                assertNull(sum.parentUuid(), name);
                assertEquals(0, sum.parentCtransid(), name);
            }
        }
        // btrfs receive --dump reads the same first command.
        StreamSummary full = check(stream("full-v1"));
        assertEquals("subvol ./snap-1 uuid=" + full.uuid() + " transid=" + full.ctransid(),
                snap1Dump.replaceAll("\\s+", " "));
        StreamSummary inc = check(stream("incremental-v1"));
        assertEquals("snapshot ./snap-2 uuid=" + inc.uuid() + " transid=" + inc.ctransid() + " parent_uuid="
                + inc.parentUuid() + " parent_transid=" + inc.parentCtransid(), snap2Dump.replaceAll("\\s+", " "));
    }

    private static StreamSummary check(byte[] s) throws IOException {
        return SendStreamVerifier.verify(new ByteArrayInputStream(s));
    }

    @Test
    void theStreamsHoldWhatTheTestsAreAbout() {
        TreeSet<Integer> compressed = new TreeSet<>();
        for (Command c : StreamBytes.commands(stream("incremental-v2-compressed"))) {
            compressed.add(c.type());
        }
        assertTrue(compressed.contains(StreamBytes.ENCODED_WRITE), "no ENCODED_WRITE in " + compressed);
        assertTrue(StreamBytes.commands(stream("full-v2")).stream().anyMatch(c -> c.type() == StreamBytes.WRITE
                && c.size() > 64 * 1024), "no version-2 WRITE beyond 64 KiB");
        assertTrue(StreamBytes.commands(stream("full-v1")).size() > 100);
    }

    /** btrfs's crc is CRC-32C with the register starting at 0 and no final inversion; the standard one differs. */
    @Test
    void crcConventionHoldsForEveryKernelCommand() {
        for (Map.Entry<String, byte[]> e : STREAMS.entrySet()) {
            byte[] s = e.getValue();
            for (Command c : StreamBytes.commands(s)) {
                assertEquals(c.storedCrc(), StreamBytes.referenceCrc(s, c), e.getKey() + " command #" + c.index());
                byte[] copy = Arrays.copyOfRange(s, c.offset(), c.end());
                Arrays.fill(copy, 6, 10, (byte) 0);
                CRC32C standard = new CRC32C();
                standard.update(copy);
                assertNotEquals(c.storedCrc(), (int) standard.getValue(), e.getKey() + " command #" + c.index());
            }
        }
    }

    @Test
    void aFlippedBitInAnyCommandIsCaught() {
        SplittableRandom rnd = new SplittableRandom(99);
        int checked = 0;
        for (Map.Entry<String, byte[]> e : STREAMS.entrySet()) {
            byte[] s = e.getValue();
            List<Command> cmds = StreamBytes.commands(s);
            List<Integer> positions = new ArrayList<>();
            for (int i = 0; i < cmds.size(); i += Math.max(1, cmds.size() / 40)) {
                Command c = cmds.get(i);
                for (int k = 0; k < 10; k++) {
                    positions.add(c.offset() + k);
                }
                if (c.size() > 10) {
                    positions.add(c.payloadStart());
                    positions.add(c.payloadStart() + (c.size() - 10) / 2);
                    positions.add(c.end() - 1);
                }
            }
            for (int k = 0; k < 10; k++) {
                positions.add(cmds.get(cmds.size() - 1).offset() + k); // END
            }
            for (int i = 0; i < 150; i++) {
                positions.add(rnd.nextInt(17, s.length));
            }
            byte[] work = s.clone();
            for (int pos : positions) {
                Command c = commandAt(cmds, pos);
                int bit = 1 << rnd.nextInt(8);
                work[pos] ^= (byte) bit;
                try {
                    SendStreamChecker checker = new SendStreamChecker();
                    checked++;
                    if (pos - c.offset() >= 4) {
                        // Command number, crc or payload: caught by the command's last byte, by its crc.
                        String where = e.getKey() + " byte " + pos + " of command #" + c.index();
                        SendStreamException x = assertThrows(SendStreamException.class,
                                () -> checker.update(work, 0, c.end()), where);
                        assertMessage(x, "CRC32C mismatch");
                        assertEquals(c.index(), x.command(), where + ": " + x.getMessage());
                        assertEquals(c.offset(), x.offset(), where + ": " + x.getMessage());
                    } else {
                        // Length: caught, by the length limit, the crc of a wrong span, or the end of the stream.
                        assertThrows(SendStreamException.class, () -> {
                            checker.update(work);
                            checker.finish();
                        }, e.getKey() + " byte " + pos);
                    }
                } finally {
                    work[pos] ^= (byte) bit;
                }
            }
        }
        assertTrue(checked > 1000, "only " + checked + " damaged streams were checked");
    }

    private static Command commandAt(List<Command> cmds, int pos) {
        for (Command c : cmds) {
            if (pos >= c.offset() && pos < c.end()) {
                return c;
            }
        }
        throw new AssertionError("no command at " + pos);
    }

    @Test
    void aFlippedBitInTheStreamHeaderIsCaught() throws IOException {
        for (Map.Entry<String, byte[]> e : STREAMS.entrySet()) {
            byte[] s = e.getValue();
            for (int pos = 0; pos < 17; pos++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] bad = StreamBytes.flip(s, pos, 1 << bit);
                    if (pos == 13 && StreamBytes.version(s) == 2 && bit == 0) {
                        // 2 -> 3: version 3 only adds a command these streams do not hold; same bytes, same meaning.
                        assertEquals(3, check(bad).version());
                        continue;
                    }
                    SendStreamException x = fails(bad);
                    if (pos < 13) {
                        assertMessage(x, "bad magic");
                    } else if (!(pos == 13 && bit <= 1)) {
                        assertMessage(x, "unsupported version");
                    }
                }
            }
        }
        // Version 1 read as version 3 would turn every DATA length into file data: caught by UTIMES.
        byte[] v1as3 = stream("incremental-v1").clone();
        v1as3[13] = 3;
        assertMessage(fails(v1as3), "UTIMES lacks OTIME");
    }

    @Test
    void truncationAnywhereIsCaught() {
        for (Map.Entry<String, byte[]> e : STREAMS.entrySet()) {
            byte[] s = e.getValue();
            List<Command> cmds = StreamBytes.commands(s);
            TreeSet<Integer> cuts = new TreeSet<>(List.of(0, 1, 12, 13, 16, 17, 18, 26, 27, s.length - 1,
                    s.length - 9, s.length - 10, s.length - 11));
            for (int i = 0; i < cmds.size(); i += Math.max(1, cmds.size() / 25)) {
                Command c = cmds.get(i);
                cuts.add(c.offset());
                cuts.add(c.offset() + 5);
                cuts.add(c.payloadStart() + (c.size() - 10) / 2);
                cuts.add(c.end() - 1);
            }
            for (int cut : cuts) {
                SendStreamException x = fails(Arrays.copyOf(s, cut));
                assertEquals(cut, x.offset(), e.getKey() + " cut at " + cut + ": " + x.getMessage());
                if (cut == s.length - 10) {
                    assertMessage(x, "no END command");
                } else if (cut > 17 && cmds.stream().anyMatch(c -> c.offset() < cut && cut < c.end())) {
                    assertTrue(x.getMessage().contains("ends inside command")
                            || x.getMessage().contains("inside the header of command"), x.getMessage());
                }
            }
        }
    }

    @Test
    void aMissingEndIsCaught() {
        for (Map.Entry<String, byte[]> e : STREAMS.entrySet()) {
            byte[] s = e.getValue();
            List<Command> cmds = StreamBytes.commands(s);
            Command end = cmds.get(cmds.size() - 1);
            assertEquals(StreamBytes.END, end.type());
            assertEquals(s.length, end.end());
            SendStreamException x = fails(Arrays.copyOf(s, end.offset()));
            assertMessage(x, "no END command: the stream stops after command #" + (cmds.size() - 1));
        }
    }

    @Test
    void dataAfterEndIsCaught() {
        byte[] s = stream("full-v1");
        assertMessage(fails(StreamBytes.concat(s, new byte[] {0})), "data after END at byte offset " + s.length);
        assertMessage(fails(StreamBytes.concat(s, new byte[4096])), "data after END");
        // Even a complete, valid stream after it: a backup is a single stream.
        assertMessage(fails(StreamBytes.concat(s, stream("incremental-v1"))), "data after END");
    }

    @Test
    void badMagicIsCaught() {
        byte[] s = stream("incremental-v1").clone();
        s[0] = 'c';
        assertMessage(fails(s), "bad magic");
        byte[] noise = new byte[100_000];
        new SplittableRandom(1).nextBytes(noise);
        assertMessage(fails(noise), "bad magic");
        // An lz4 frame or ciphertext fed by mistake.
        assertMessage(fails(StreamBytes.concat(new byte[] {0x04, 0x22, 0x4d, 0x18}, s)), "bad magic");
    }

    @Test
    void anotherSnapshotsStreamPassesButShowsItsOwnUuid() throws IOException {
        StreamSummary other = check(stream("full-v1-of-snap-2"));
        assertEquals(snap2Uuid, other.uuid());
        assertNotEquals(snap1Uuid, other.uuid());
        assertEquals("snap-2", other.name());
        assertNotEquals(check(stream("full-v1")).ctransid(), other.ctransid());
    }

    @Test
    void randomReadSizesGiveTheSameResult() throws IOException {
        SplittableRandom rnd = new SplittableRandom(3);
        for (Map.Entry<String, byte[]> e : STREAMS.entrySet()) {
            byte[] s = e.getValue();
            StreamSummary expected = check(s);
            InputStream choppy = new ByteArrayInputStream(s) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    return super.read(b, off, Math.min(len, rnd.nextInt(1, rnd.nextBoolean() ? 16 : 200_000)));
                }
            };
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (SendStreamVerifier v = new SendStreamVerifier(choppy)) {
                byte[] buf = new byte[300_000];
                int n;
                while ((n = v.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                }
                assertEquals(expected, v.summary(), e.getKey());
            }
            assertArrayEquals(s, out.toByteArray(), e.getKey());
        }
    }

    @Test
    void theSubvolumeIsKnownRightAfterTheFirstCommand() throws IOException {
        byte[] s = stream("incremental-v2-compressed");
        Command first = StreamBytes.commands(s).get(0);
        try (SendStreamVerifier v = new SendStreamVerifier(new ByteArrayInputStream(s))) {
            v.readNBytes(first.end() - 1);
            assertNull(v.subvolume());
            v.read();
            assertEquals(snap2Uuid, v.subvolume().uuid());
            assertEquals(snap1Uuid, v.subvolume().parentUuid());
            assertThrows(IllegalStateException.class, v::summary);
        }
    }
}
