package btrfss3.stream;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Test-side view of send streams, written apart from the code under test: a plain reference
 * CRC-32C, a parser that lists the commands of a well-formed stream, and a writer of synthetic
 * streams.
 */
final class StreamBytes {
    private StreamBytes() {}

    static final int SUBVOL = 1;
    static final int SNAPSHOT = 2;
    static final int MKFILE = 3;
    static final int RENAME = 9;
    static final int WRITE = 15;
    static final int UTIMES = 20;
    static final int END = 21;
    static final int FALLOCATE = 23;
    static final int ENCODED_WRITE = 25;
    static final int ENABLE_VERITY = 26;

    static final int A_UUID = 1;
    static final int A_CTRANSID = 2;
    static final int A_INO = 3;
    static final int A_SIZE = 4;
    static final int A_CTIME = 9;
    static final int A_MTIME = 10;
    static final int A_ATIME = 11;
    static final int A_OTIME = 12;
    static final int A_PATH = 15;
    static final int A_PATH_TO = 16;
    static final int A_FILE_OFFSET = 18;
    static final int A_DATA = 19;
    static final int A_CLONE_UUID = 20;
    static final int A_CLONE_CTRANSID = 21;
    static final int A_FALLOCATE_MODE = 25;
    static final int A_UNENCODED_FILE_LEN = 27;
    static final int A_UNENCODED_LEN = 28;
    static final int A_UNENCODED_OFFSET = 29;
    static final int A_COMPRESSION = 30;
    static final int A_VERITY_ALGORITHM = 32;
    static final int A_VERITY_BLOCK_SIZE = 33;
    static final int A_VERITY_SALT_DATA = 34;
    static final int A_VERITY_SIG_DATA = 35;

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
            }
            TABLE[i] = c;
        }
    }

    /**
     * CRC-32C (reflected polynomial 0x82F63B78) from a byte table, register starting at seed, no final
     * inversion: the kernel's crc32c(seed, ...).
     */
    static int crc32cRaw(int seed, byte[] b, int off, int len) {
        int c = seed;
        for (int i = off; i < off + len; i++) {
            c = TABLE[(c ^ b[i]) & 0xFF] ^ (c >>> 8);
        }
        return c;
    }

    /** One command of a stream: where it starts, its total size (header included), its type and stored crc. */
    record Command(int index, int offset, int size, int type, int storedCrc) {
        int payloadStart() {
            return offset + 10;
        }

        int end() {
            return offset + size;
        }
    }

    static int version(byte[] stream) {
        return ByteBuffer.wrap(stream, 13, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /** The commands of a well-formed stream (asserts nothing; stops at the end of the array). */
    static List<Command> commands(byte[] stream) {
        ByteBuffer bb = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
        List<Command> list = new ArrayList<>();
        int p = 17;
        while (p + 10 <= stream.length) {
            int len = bb.getInt(p);
            int type = bb.getShort(p + 4) & 0xFFFF;
            int crc = bb.getInt(p + 6);
            list.add(new Command(list.size() + 1, p, 10 + len, type, crc));
            p += 10 + len;
        }
        return list;
    }

    /** The crc btrfs would store for this command, by the reference implementation. */
    static int referenceCrc(byte[] stream, Command c) {
        byte[] copy = Arrays.copyOfRange(stream, c.offset(), c.end());
        Arrays.fill(copy, 6, 10, (byte) 0);
        return crc32cRaw(0, copy, 0, copy.length);
    }

    static byte[] flip(byte[] b, int pos, int mask) {
        byte[] c = b.clone();
        c[pos] ^= (byte) mask;
        return c;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Writes synthetic streams with correct crcs (unless told otherwise). */
    static final class Writer {
        private final int version;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private ByteArrayOutputStream cmd;
        private int cmdType;

        Writer(int version) {
            this(version, version);
        }

        /** A stream whose header says headerVersion while its attributes are laid out as version says. */
        Writer(int version, int headerVersion) {
            this.version = version;
            out.writeBytes("btrfs-stream\0".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(le(headerVersion, 4));
        }

        Writer begin(int type) {
            cmd = new ByteArrayOutputStream();
            cmdType = type;
            return this;
        }

        Writer attr(int type, byte[] value) {
            cmd.writeBytes(le(type, 2));
            cmd.writeBytes(le(value.length, 2));
            cmd.writeBytes(value);
            return this;
        }

        Writer str(int type, String value) {
            return attr(type, value.getBytes(StandardCharsets.UTF_8));
        }

        Writer u64(int type, long value) {
            return attr(type, le(value, 8));
        }

        Writer u32(int type, long value) {
            return attr(type, le(value, 4));
        }

        Writer uuid(int type, UUID u) {
            return attr(type, ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                    .putLong(u.getLeastSignificantBits()).array());
        }

        Writer time(int type) {
            return attr(type, new byte[12]);
        }

        /** DATA as the version lays it out: with a length in version 1, running to the end of the command later. */
        Writer data(byte[] value) {
            if (version == 1) {
                return attr(A_DATA, value);
            }
            cmd.writeBytes(le(A_DATA, 2));
            cmd.writeBytes(value);
            return this;
        }

        /** Raw payload bytes. */
        Writer raw(byte[] bytes) {
            cmd.writeBytes(bytes);
            return this;
        }

        Writer end() {
            return endWithCrcXor(0);
        }

        /** Ends the command with its crc xor-ed with x (0: correct). */
        Writer endWithCrcXor(int x) {
            byte[] payload = cmd.toByteArray();
            byte[] whole = concat(le(payload.length, 4), le(cmdType, 2), new byte[4], payload);
            int crc = crc32cRaw(0, whole, 0, whole.length) ^ x;
            System.arraycopy(le(crc, 4), 0, whole, 6, 4);
            out.writeBytes(whole);
            cmd = null;
            return this;
        }

        Writer subvol(String name, UUID u, long ctransid) {
            return begin(SUBVOL).str(A_PATH, name).uuid(A_UUID, u).u64(A_CTRANSID, ctransid).end();
        }

        Writer snapshot(String name, UUID u, long ctransid, UUID parent, long parentCtransid) {
            return begin(SNAPSHOT).str(A_PATH, name).uuid(A_UUID, u).u64(A_CTRANSID, ctransid)
                    .uuid(A_CLONE_UUID, parent).u64(A_CLONE_CTRANSID, parentCtransid).end();
        }

        Writer write(String path, long offset, byte[] data) {
            return begin(WRITE).str(A_PATH, path).u64(A_FILE_OFFSET, offset).data(data).end();
        }

        Writer utimes(String path) {
            begin(UTIMES).str(A_PATH, path).time(A_ATIME).time(A_MTIME).time(A_CTIME);
            if (version >= 2) {
                time(A_OTIME);
            }
            return end();
        }

        Writer endCommand() {
            return begin(END).end();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }
}
