package btrfss3.stream;

import static btrfss3.stream.StreamBytes.A_COMPRESSION;
import static btrfss3.stream.StreamBytes.A_CTRANSID;
import static btrfss3.stream.StreamBytes.A_FALLOCATE_MODE;
import static btrfss3.stream.StreamBytes.A_FILE_OFFSET;
import static btrfss3.stream.StreamBytes.A_INO;
import static btrfss3.stream.StreamBytes.A_PATH;
import static btrfss3.stream.StreamBytes.A_PATH_TO;
import static btrfss3.stream.StreamBytes.A_SIZE;
import static btrfss3.stream.StreamBytes.A_UNENCODED_FILE_LEN;
import static btrfss3.stream.StreamBytes.A_UNENCODED_LEN;
import static btrfss3.stream.StreamBytes.A_UNENCODED_OFFSET;
import static btrfss3.stream.StreamBytes.A_UUID;
import static btrfss3.stream.StreamBytes.A_VERITY_ALGORITHM;
import static btrfss3.stream.StreamBytes.A_VERITY_BLOCK_SIZE;
import static btrfss3.stream.StreamBytes.A_VERITY_SALT_DATA;
import static btrfss3.stream.StreamBytes.A_VERITY_SIG_DATA;
import static btrfss3.stream.StreamBytes.ENABLE_VERITY;
import static btrfss3.stream.StreamBytes.ENCODED_WRITE;
import static btrfss3.stream.StreamBytes.FALLOCATE;
import static btrfss3.stream.StreamBytes.MKFILE;
import static btrfss3.stream.StreamBytes.RENAME;
import static btrfss3.stream.StreamBytes.SUBVOL;
import static btrfss3.stream.StreamBytes.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.stream.StreamBytes.Writer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The checker on synthetic streams: every rule, every version, any way of cutting the input. */
class SendStreamCheckerTest {
    private static final UUID U1 = UUID.fromString("5e20302e-5110-3248-b0bb-c1c24b3552f9");
    private static final UUID U2 = UUID.fromString("abac24f4-8209-7144-9eba-d3bb623de87b");

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** A full stream: SUBVOL, a file with two writes, a rename, utimes, END. */
    private static byte[] full(int version) {
        Writer w = new Writer(version).subvol("snap-1", U1, 7);
        w.begin(MKFILE).str(A_PATH, "o257-7-0").u64(A_INO, 257).end();
        w.write("o257-7-0", 0, random(version == 1 ? 48 * 1024 : 128 * 1024, 1));
        w.write("o257-7-0", 200_000, random(333, 2));
        w.begin(RENAME).str(A_PATH, "o257-7-0").str(A_PATH_TO, "file").end();
        w.utimes("file").utimes("");
        return w.endCommand().bytes();
    }

    private static StreamSummary check(byte[] stream) throws IOException {
        return SendStreamVerifier.verify(new ByteArrayInputStream(stream));
    }

    private static SendStreamException fails(byte[] stream) {
        return assertThrows(SendStreamException.class, () -> check(stream));
    }

    private static void assertMessage(SendStreamException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "expected \"" + part + "\" in: " + e.getMessage());
        }
    }

    @Test
    void crcPreludeTurnsTheStandardCrc32cIntoBtrfsConvention() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int n : new int[] {0, 1, 3, 4, 10, 17, 4096, 100_000}) {
            byte[] b = random(n, rnd.nextLong());
            CRC32C c = new CRC32C();
            c.update(new byte[] {-1, -1, -1, -1});
            c.update(b);
            assertEquals(StreamBytes.crc32cRaw(0, b, 0, n), (int) ~c.getValue(), "length " + n);
        }
    }

    @Test
    void fullStreamsOfEveryVersionPassWithTheirSummary() throws IOException {
        for (int v = 1; v <= 3; v++) {
            byte[] s = full(v);
            StreamSummary sum = check(s);
            assertEquals(v, sum.version());
            assertEquals(StreamBytes.commands(s).size(), sum.commands());
            assertEquals(s.length, sum.bytes());
            assertEquals("snap-1", sum.name());
            assertEquals(U1, sum.uuid());
            assertEquals(7, sum.ctransid());
            assertNull(sum.parentUuid());
            assertEquals(0, sum.parentCtransid());
            assertFalse(sum.incremental());
        }
    }

    @Test
    void incrementalStreamNamesItsParent() throws IOException {
        byte[] s = new Writer(1).snapshot("snap-2", U2, 9, U1, 7).write("file", 0, random(10, 3)).utimes("file")
                .endCommand().bytes();
        StreamSummary sum = check(s);
        assertEquals("snap-2", sum.name());
        assertEquals(U2, sum.uuid());
        assertEquals(9, sum.ctransid());
        assertEquals(U1, sum.parentUuid());
        assertEquals(7, sum.parentCtransid());
        assertTrue(sum.incremental());
    }

    @Test
    void version2And3CommandsPass() throws IOException {
        for (int v = 2; v <= 3; v++) {
            Writer w = new Writer(v).subvol("s", U1, 1);
            w.begin(ENCODED_WRITE).str(A_PATH, "f").u64(A_FILE_OFFSET, 0).u64(A_UNENCODED_FILE_LEN, 131072)
                    .u64(A_UNENCODED_LEN, 131072).u64(A_UNENCODED_OFFSET, 0).u32(A_COMPRESSION, 2)
                    .data(random(70_000, 4)).end();
            w.begin(FALLOCATE).str(A_PATH, "f").u32(A_FALLOCATE_MODE, 0).u64(A_FILE_OFFSET, 0).u64(A_SIZE, 4096)
                    .end();
            w.write("f", 0, new byte[0]);
            if (v == 3) {
                w.begin(ENABLE_VERITY).str(A_PATH, "f").attr(A_VERITY_ALGORITHM, new byte[] {1})
                        .u32(A_VERITY_BLOCK_SIZE, 4096).attr(A_VERITY_SALT_DATA, new byte[0])
                        .attr(A_VERITY_SIG_DATA, new byte[0]).end();
            }
            check(w.utimes("f").endCommand().bytes());
        }
    }

    @Test
    void commandsOfLaterVersionsAreRefused() {
        byte[] v1 = new Writer(1).subvol("s", U1, 1).begin(FALLOCATE).str(A_PATH, "f").end().endCommand().bytes();
        assertMessage(fails(v1), "command #2 (FALLOCATE)", "not part of version 1");
        byte[] v2 = new Writer(2).subvol("s", U1, 1).begin(ENABLE_VERITY).str(A_PATH, "f").end().endCommand()
                .bytes();
        assertMessage(fails(v2), "command #2 (ENABLE_VERITY)", "not part of version 2");
        byte[] attr = new Writer(1).subvol("s", U1, 1).begin(WRITE).str(A_PATH, "f").u32(A_COMPRESSION, 1).end()
                .endCommand().bytes();
        assertMessage(fails(attr), "command #2 (WRITE)", "COMPRESSION (30) is not part of version 1");
    }

    @Test
    void anyCuttingOfTheInputGivesTheSameResult() throws IOException {
        byte[] s = full(2);
        StreamSummary whole = check(s);
        SendStreamChecker oneByOne = new SendStreamChecker();
        for (byte b : s) {
            oneByOne.update(new byte[] {b});
        }
        oneByOne.finish();
        assertEquals(whole, oneByOne.summary());
        SplittableRandom rnd = new SplittableRandom(5);
        for (int round = 0; round < 50; round++) {
            SendStreamChecker c = new SendStreamChecker();
            int p = 0;
            while (p < s.length) {
                int n = Math.min(s.length - p, rnd.nextInt(1, round % 2 == 0 ? 40 : 70_000));
                c.update(Arrays.copyOfRange(s, p, p + n), 0, n);
                p += n;
            }
            c.finish();
            assertEquals(whole, c.summary());
        }
        // The same damage is found however the bytes come.
        byte[] bad = StreamBytes.flip(s, s.length - 100, 0x10);
        String expected = fails(bad).getMessage();
        SendStreamChecker c = new SendStreamChecker();
        SendStreamException e = assertThrows(SendStreamException.class, () -> {
            for (byte b : bad) {
                c.update(new byte[] {b});
            }
        });
        assertEquals(expected, e.getMessage());
    }

    @Test
    void crcMismatchNamesTheCommandAndItsOffset() {
        byte[] s = full(1);
        List<StreamBytes.Command> cmds = StreamBytes.commands(s);
        StreamBytes.Command write = cmds.get(2);
        assertEquals(WRITE, write.type());
        SendStreamException e = fails(StreamBytes.flip(s, write.offset() + 5000, 1));
        assertEquals("command #3 (WRITE) at byte offset " + write.offset() + ": CRC32C mismatch", e.getMessage()
                .replaceAll(" \\(stored.*", ""));
        assertEquals(3, e.command());
        assertEquals(write.offset(), e.offset());
        byte[] wrongCrc = new Writer(1).subvol("s", U1, 1).begin(MKFILE).str(A_PATH, "f").endWithCrcXor(1)
                .endCommand().bytes();
        assertMessage(fails(wrongCrc), "command #2 (MKFILE)", "CRC32C mismatch");
    }

    @Test
    void layoutProblemsWithAGoodCrcAreNamed() {
        assertMessage(fails(new Writer(1).subvol("s", U1, 1).begin(77).end().endCommand().bytes()),
                "command #2 (unknown command 77)", "not a known command");
        assertMessage(fails(new Writer(1).subvol("s", U1, 1).begin(0).end().endCommand().bytes()),
                "command #2 (UNSPEC)", "not a known command");
        assertMessage(fails(new Writer(1).subvol("s", U1, 1).begin(MKFILE).attr(99, new byte[3]).end().endCommand()
                .bytes()), "attribute type 99 is not a known attribute");
        assertMessage(fails(new Writer(1).subvol("s", U1, 1).begin(MKFILE).raw(StreamBytes.concat(
                StreamBytes.le(A_PATH, 2), StreamBytes.le(50, 2), new byte[10])).end().endCommand().bytes()),
                "attribute PATH of 50 bytes runs past the end of the command (10 bytes left)");
        assertMessage(fails(new Writer(1).subvol("s", U1, 1).begin(MKFILE).str(A_PATH, "f").raw(new byte[] {15})
                .end().endCommand().bytes()), "ends inside an attribute header");
        assertMessage(fails(new Writer(1).subvol("s", U1, 1).begin(MKFILE).str(A_PATH, "f").str(A_PATH, "g").end()
                .endCommand().bytes()), "attribute PATH appears twice");
    }

    @Test
    void theFirstCommandMustDescribeOneSubvolume() {
        assertMessage(fails(new Writer(1).begin(MKFILE).str(A_PATH, "f").end().endCommand().bytes()),
                "command #1 (MKFILE) at byte offset 17", "must start with SUBVOL or SNAPSHOT");
        assertMessage(fails(new Writer(1).subvol("a", U1, 1).subvol("b", U2, 1).endCommand().bytes()),
                "command #2 (SUBVOL)", "a second subvolume");
        assertMessage(fails(new Writer(1).begin(SUBVOL).str(A_PATH, "a").u64(A_CTRANSID, 1).end().endCommand()
                .bytes()), "attribute UUID is missing");
        assertMessage(fails(new Writer(1).begin(SUBVOL).str(A_PATH, "a").attr(A_UUID, new byte[15])
                .u64(A_CTRANSID, 1).end().endCommand().bytes()), "attribute UUID has 15 bytes instead of 16");
        assertMessage(fails(new Writer(1).begin(StreamBytes.SNAPSHOT).str(A_PATH, "a").uuid(A_UUID, U1)
                .u64(A_CTRANSID, 1).end().endCommand().bytes()), "attribute CLONE_UUID is missing");
    }

    @Test
    void headerProblems() {
        byte[] s = full(1);
        assertMessage(fails(StreamBytes.flip(s, 0, 0x20)), "bad magic", "\"Btrfs-stream\\x00\"");
        assertMessage(fails("PK\3\4 this is a zip file".getBytes()), "bad magic");
        byte[] v9 = s.clone();
        v9[13] = 9;
        assertMessage(fails(v9), "unsupported version 9");
        byte[] v0 = s.clone();
        v0[13] = 0;
        assertMessage(fails(v0), "unsupported version 0");
        assertMessage(fails(new byte[0]), "empty stream");
        assertMessage(fails(Arrays.copyOf(s, 10)), "inside the stream header, after 10 of 17 bytes");
        assertMessage(fails(Arrays.copyOf(s, 17)), "holds no command");
    }

    @Test
    void aDamagedVersionFieldIsCaughtByUtimes() {
        // Version 1 layout, header says 3: DATA lengths would be read as file data.
        byte[] s = full(1);
        byte[] as3 = s.clone();
        as3[13] = 3;
        assertMessage(fails(as3), "UTIMES lacks OTIME");
        byte[] v2as1 = full(2);
        v2as1[13] = 1;
        fails(v2as1);
        byte[] mixed = new Writer(2, 1).subvol("s", U1, 1).utimes("").endCommand().bytes();
        assertMessage(fails(mixed), "UTIMES carries OTIME");
    }

    @Test
    void commandLengthBeyondTheVersionLimitFailsAtOnce() {
        byte[] s = full(1);
        int at = StreamBytes.commands(s).get(1).offset();
        byte[] big = s.clone();
        big[at + 2] = 1; // length += 65536
        SendStreamChecker c = new SendStreamChecker();
        // Only the header is handed over: no need to read on to judge it.
        SendStreamException e = assertThrows(SendStreamException.class, () -> c.update(big, 0, at + 10));
        assertMessage(e, "command #2", "more than a version-1 stream allows");
        byte[] v2 = full(2);
        int at2 = StreamBytes.commands(v2).get(1).offset();
        v2[at2 + 3] = 0x40;
        assertMessage(fails(v2), "more than a version-2 stream allows");
    }

    @Test
    void endProblems() {
        byte[] s = full(1);
        List<StreamBytes.Command> cmds = StreamBytes.commands(s);
        assertMessage(fails(Arrays.copyOf(s, s.length - 10)), "no END command", "after command #"
                + (cmds.size() - 1) + " (UTIMES)");
        assertMessage(fails(Arrays.copyOf(s, s.length - 3)), "inside the header of command #" + cmds.size());
        assertMessage(fails(Arrays.copyOf(s, cmds.get(2).offset() + 100)), "ends inside command #3 (WRITE)",
                "90 of its");
        SendStreamException after = fails(StreamBytes.concat(s, new byte[] {0}));
        assertMessage(after, "data after END at byte offset " + s.length);
        assertEquals(s.length, after.offset());
        assertMessage(fails(StreamBytes.concat(s, s)), "data after END");
    }

    @Test
    void failuresStickAndSummaryWaitsForTheEnd() throws IOException {
        byte[] s = full(1);
        SendStreamChecker c = new SendStreamChecker();
        c.update(s, 0, 100);
        assertEquals(1, c.version());
        assertEquals(U1, c.subvolume().uuid());
        assertThrows(IllegalStateException.class, c::summary);
        SendStreamException e = assertThrows(SendStreamException.class, () -> c.update(new byte[] {1, 2, 3}));
        assertSame(e, assertThrows(SendStreamException.class, () -> c.update(s, 103, 10)));
        assertSame(e, assertThrows(SendStreamException.class, c::finish));
        assertThrows(IllegalStateException.class, c::summary);

        SendStreamChecker ok = new SendStreamChecker();
        ok.update(s);
        ok.finish();
        ok.finish();
        assertEquals(s.length, ok.summary().bytes());
        // Bytes after the end was reported are data after END too.
        assertMessage(assertThrows(SendStreamException.class, () -> ok.update(new byte[] {1})), "data after END");
        assertThrows(IllegalStateException.class, ok::summary);
    }

    @Test
    void verifierPassesBytesUnchangedThroughEveryReadMethod() throws IOException {
        byte[] s = full(2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SendStreamVerifier v = new SendStreamVerifier(new ByteArrayInputStream(s))) {
            assertEquals(s[0] & 0xFF, v.read());
            byte[] some = v.readNBytes(1000);
            assertEquals(500, v.skip(500));
            out.write(s[0]);
            out.write(some);
            out.write(s, 1001, 500);
            v.transferTo(out);
            assertEquals(-1, v.read());
            assertEquals(-1, v.read(new byte[10]));
            assertEquals(s.length, v.summary().bytes());
        }
        assertArrayEquals(s, out.toByteArray());
    }

    @Test
    void aFailingReadHandsOutNoneOfItsBytes() throws IOException {
        byte[] s = full(1);
        StreamBytes.Command last = StreamBytes.commands(s).get(StreamBytes.commands(s).size() - 2);
        byte[] bad = StreamBytes.flip(s, last.offset() + 12, 4);
        // Reads of at most 1000 bytes: everything before the read that completes the damaged command is handed out.
        InputStream slow = new ByteArrayInputStream(bad) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        SendStreamVerifier v = new SendStreamVerifier(slow);
        byte[] buf = new byte[4096];
        SendStreamException e = assertThrows(SendStreamException.class, () -> {
            int n;
            while ((n = v.read(buf, 0, buf.length)) >= 0) {
                got.write(buf, 0, n);
            }
        });
        assertMessage(e, "CRC32C mismatch");
        assertTrue(got.size() < last.end(), "the damaged command was handed out whole");
        assertEquals(got.size(), (last.end() - 1) / 1000 * 1000);
        assertArrayEquals(Arrays.copyOf(bad, got.size()), got.toByteArray());
    }
}
