package btrfss3.stream;

import static btrfss3.stream.SendFormat.A_CLONE_CTRANSID;
import static btrfss3.stream.SendFormat.A_CLONE_UUID;
import static btrfss3.stream.SendFormat.A_CTRANSID;
import static btrfss3.stream.SendFormat.A_DATA;
import static btrfss3.stream.SendFormat.A_OTIME;
import static btrfss3.stream.SendFormat.A_PATH;
import static btrfss3.stream.SendFormat.A_UUID;
import static btrfss3.stream.SendFormat.COMMAND_HEADER_BYTES;
import static btrfss3.stream.SendFormat.C_END;
import static btrfss3.stream.SendFormat.C_SNAPSHOT;
import static btrfss3.stream.SendFormat.C_SUBVOL;
import static btrfss3.stream.SendFormat.C_UTIMES;
import static btrfss3.stream.SendFormat.MAGIC;
import static btrfss3.stream.SendFormat.STREAM_HEADER_BYTES;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Checks a btrfs send stream that is handed to it in pieces of any size, as it goes: the stream
 * header, every command's length, crc and attribute layout, that the stream starts with one SUBVOL
 * or SNAPSHOT, and that it ends with END followed by nothing. Each problem is reported, as a
 * {@link SendStreamException}, by the call that hands over its last byte: a command with a bad crc
 * fails as its last byte arrives, a missing END or a cut-off command fails in {@link #finish()}.
 *
 * <p>Memory is constant: the crc is computed as the bytes pass, attribute values are skipped (only
 * those of the first command, at most 64 KiB each, are kept). The work per byte is the crc (a CPU
 * instruction on current hardware) plus a few steps per attribute header.
 *
 * <p>Not thread-safe. After a failure every further call throws the same exception.
 *
 * <h2>The crc</h2>
 * btrfs computes {@code crc32c(0, header with crc field zeroed + payload)}: the CRC-32C register
 * starts at 0 and the result is not inverted, where the standard CRC-32C (and {@link CRC32C}) starts
 * at 0xFFFFFFFF and inverts. Feeding {@link CRC32C} four 0xFF bytes first brings its register from
 * 0xFFFFFFFF to 0 (each of those bytes cancels the low byte of the register, whose table entry is
 * 0); after the command its {@code getValue()} is the inverted register, so btrfs's crc is
 * {@code ~getValue()}.
 *
 * <h2>Version consistency</h2>
 * The stream header is not covered by any crc. A version-1 stream whose version field were damaged
 * into 3 would still parse (from version 2 on, the DATA length field is just read as data), so
 * receive would write garbage. Linux puts OTIME in every UTIMES command of a version-2+ stream and
 * never in version 1; the checker insists on that, which catches such a damage whenever the stream
 * holds a UTIMES command (every full stream does).
 */
public final class SendStreamChecker {
    private enum State { STREAM_HEADER, COMMAND_HEADER, PAYLOAD, ENDED, FINISHED, FAILED }

    private static final byte[] CRC_PRELUDE = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    private static final byte[] ZERO_CRC = new byte[4];

    private State state = State.STREAM_HEADER;
    private SendStreamException failure;
    private long offset;
    private int version;
    private long commands;

    /** Stream or command header being gathered. */
    private final byte[] head = new byte[STREAM_HEADER_BYTES];
    private int headFill;

    // The command being read.
    private long commandStart;
    private int command;
    private int payloadLength;
    private int payloadLeft;
    private int storedCrc;
    private final CRC32C crc = new CRC32C();
    /** First layout problem of the command; reported after the crc, which says whether bytes were damaged. */
    private String problem;
    /** Attribute types seen in the command (bit per type; types are below 64). */
    private long seen;

    // The attribute being read.
    private final byte[] attrHead = new byte[4];
    private int attrHeadFill;
    private int attrType;
    private int attrLeft;
    /** Value of an attribute of the first command being kept, or null. */
    private byte[] keep;
    private int keepFill;

    // What the first command says.
    private byte[] path;
    private byte[] uuid;
    private byte[] ctransid;
    private byte[] cloneUuid;
    private byte[] cloneCtransid;
    private StreamSubvolume subvolume;
    private StreamSummary summary;

    /**
     * Checks the next len bytes of the stream.
     *
     * @throws SendStreamException when these bytes complete something that is wrong
     */
    public void update(byte[] b, int off, int len) throws SendStreamException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (failure != null) {
            throw failure;
        }
        try {
            int p = off;
            int end = off + len;
            while (p < end) {
                switch (state) {
                    case PAYLOAD -> p = payload(b, p, end);
                    case COMMAND_HEADER -> p = commandHeader(b, p, end);
                    case STREAM_HEADER -> p = streamHeader(b, p, end);
                    case ENDED, FINISHED -> throw new SendStreamException("data after END at byte offset " + offset
                            + ": the stream must end with its END command (command #" + commands + ")", offset,
                            commands);
                    default -> throw new IllegalStateException(state.toString());
                }
            }
        } catch (SendStreamException e) {
            failure = e;
            state = State.FAILED;
            summary = null;
            throw e;
        }
    }

    /** Checks the next b.length bytes of the stream. */
    public void update(byte[] b) throws SendStreamException {
        update(b, 0, b.length);
    }

    /**
     * Says the stream has ended: checks that it ended right after END. Can be called again (it then
     * does nothing, or throws the same exception).
     */
    public void finish() throws SendStreamException {
        if (failure != null) {
            throw failure;
        }
        switch (state) {
            case FINISHED:
                return;
            case ENDED:
                state = State.FINISHED;
                summary = new StreamSummary(version, commands, offset, subvolume);
                return;
            case STREAM_HEADER:
                failure = offset == 0
                        ? new SendStreamException("empty stream: not a btrfs send stream", 0, 0)
                        : new SendStreamException("stream ends inside the stream header, after " + offset + " of "
                                + STREAM_HEADER_BYTES + " bytes", offset, 0);
                break;
            case COMMAND_HEADER:
                if (headFill > 0) {
                    failure = new SendStreamException("stream ends inside the header of command #" + (commands + 1)
                            + " at byte offset " + (offset - headFill) + " (" + headFill + " of "
                            + COMMAND_HEADER_BYTES + " bytes)", offset, commands + 1);
                } else if (commands == 0) {
                    failure = new SendStreamException("stream holds no command after its header", offset, 0);
                } else {
                    failure = new SendStreamException("no END command: the stream stops after command #" + commands
                            + " (" + SendFormat.commandName(command) + "), at byte offset " + offset, offset,
                            commands);
                }
                break;
            case PAYLOAD:
                failure = new SendStreamException("stream ends inside command #" + (commands + 1) + " ("
                        + SendFormat.commandName(command) + ") at byte offset " + commandStart + ": "
                        + (payloadLength - payloadLeft) + " of its " + payloadLength + " payload bytes are there",
                        offset, commands + 1);
                break;
            default:
                throw new IllegalStateException(state.toString());
        }
        state = State.FAILED;
        throw failure;
    }

    /** The summary of a stream that was checked to its end ({@link #finish()} returned). */
    public StreamSummary summary() {
        if (summary == null) {
            throw new IllegalStateException(failure != null
                    ? "the stream failed verification: " + failure.getMessage()
                    : "the stream has not been verified to its end yet");
        }
        return summary;
    }

    /** The subvolume the stream creates, known once its first command was checked; null before. */
    public StreamSubvolume subvolume() {
        return subvolume;
    }

    /** Stream version, known once the stream header was checked; 0 before. */
    public int version() {
        return version;
    }

    /** Bytes checked so far. */
    public long bytes() {
        return offset;
    }

    /** Commands checked so far. */
    public long commands() {
        return commands;
    }

    // ------------------------------------------------------------------------------------------------

    private int streamHeader(byte[] b, int p, int end) throws SendStreamException {
        int n = Math.min(STREAM_HEADER_BYTES - headFill, end - p);
        System.arraycopy(b, p, head, headFill, n);
        headFill += n;
        offset += n;
        if (headFill == STREAM_HEADER_BYTES) {
            for (int i = 0; i < MAGIC.length; i++) {
                if (head[i] != MAGIC[i]) {
                    throw new SendStreamException("bad magic: not a btrfs send stream (it starts with "
                            + printable(head, MAGIC.length) + ")", 0, 0);
                }
            }
            long v = le32(head, MAGIC.length);
            if (v < SendFormat.MIN_VERSION || v > SendFormat.MAX_VERSION) {
                throw new SendStreamException("unsupported version " + v + " of the send stream format (known: "
                        + SendFormat.MIN_VERSION + " to " + SendFormat.MAX_VERSION + ")", MAGIC.length, 0);
            }
            version = (int) v;
            headFill = 0;
            state = State.COMMAND_HEADER;
        }
        return p + n;
    }

    private int commandHeader(byte[] b, int p, int end) throws SendStreamException {
        if (headFill == 0) {
            commandStart = offset;
        }
        int n = Math.min(COMMAND_HEADER_BYTES - headFill, end - p);
        System.arraycopy(b, p, head, headFill, n);
        headFill += n;
        offset += n;
        if (headFill == COMMAND_HEADER_BYTES) {
            headFill = 0;
            long length = le32(head, 0);
            command = le16(head, 4);
            storedCrc = (int) le32(head, 6);
            int max = SendFormat.maxCommandBytes(version);
            if (length > max - COMMAND_HEADER_BYTES) {
                throw fail("payload length " + length + " is more than a version-" + version
                        + " stream allows (a command has at most " + max + " bytes): the command header is damaged");
            }
            payloadLength = (int) length;
            payloadLeft = payloadLength;
            crc.reset();
            crc.update(CRC_PRELUDE, 0, 4);
            crc.update(head, 0, 6);
            crc.update(ZERO_CRC, 0, 4);
            problem = null;
            seen = 0;
            attrHeadFill = 0;
            attrLeft = 0;
            keep = null;
            if (payloadLength == 0) {
                endCommand();
            } else {
                state = State.PAYLOAD;
            }
        }
        return p + n;
    }

    private int payload(byte[] b, int p, int end) throws SendStreamException {
        int n = Math.min(payloadLeft, end - p);
        crc.update(b, p, n);
        if (problem == null) {
            attributes(b, p, p + n);
        }
        payloadLeft -= n;
        offset += n;
        if (payloadLeft == 0) {
            endCommand();
        }
        return p + n;
    }

    /** Follows the attribute layout over b[from, to), the next bytes of the payload. */
    private void attributes(byte[] b, int from, int to) {
        int q = from;
        while (q < to) {
            if (attrLeft > 0) {
                int k = Math.min(attrLeft, to - q);
                if (keep != null) {
                    System.arraycopy(b, q, keep, keepFill, k);
                    keepFill += k;
                }
                q += k;
                attrLeft -= k;
                if (attrLeft == 0) {
                    attributeDone();
                }
                continue;
            }
            attrHead[attrHeadFill++] = b[q++];
            if (attrHeadFill == 2) {
                attrType = le16(attrHead, 0);
                if (attrType == 0 || attrType > SendFormat.maxAttribute(version)) {
                    problem = attrType == 0 || attrType > SendFormat.maxAttribute(SendFormat.MAX_VERSION)
                            ? "attribute type " + attrType + " is not a known attribute"
                            : "attribute " + SendFormat.attributeName(attrType) + " (" + attrType
                                    + ") is not part of version " + version + " of the format";
                    return;
                }
                if ((seen & (1L << attrType)) != 0) {
                    problem = "attribute " + SendFormat.attributeName(attrType) + " appears twice";
                    return;
                }
                seen |= 1L << attrType;
                if (version >= 2 && attrType == A_DATA) {
                    // No length field: the value is the rest of the command.
                    attrHeadFill = 0;
                    startValue(payloadLeft - (q - from));
                }
            } else if (attrHeadFill == 4) {
                attrHeadFill = 0;
                int length = le16(attrHead, 2);
                int rest = payloadLeft - (q - from);
                if (length > rest) {
                    problem = "attribute " + SendFormat.attributeName(attrType) + " of " + length
                            + " bytes runs past the end of the command (" + rest + " bytes left)";
                    return;
                }
                startValue(length);
            }
        }
    }

    private void startValue(int length) {
        if (commands == 0 && (attrType == A_PATH || attrType == A_UUID || attrType == A_CTRANSID
                || attrType == A_CLONE_UUID || attrType == A_CLONE_CTRANSID)) {
            keep = new byte[length];
            keepFill = 0;
        }
        attrLeft = length;
        if (length == 0) {
            attributeDone();
        }
    }

    private void attributeDone() {
        if (keep != null) {
            switch (attrType) {
                case A_PATH -> path = keep;
                case A_UUID -> uuid = keep;
                case A_CTRANSID -> ctransid = keep;
                case A_CLONE_UUID -> cloneUuid = keep;
                case A_CLONE_CTRANSID -> cloneCtransid = keep;
                default -> throw new IllegalStateException("kept attribute " + attrType);
            }
            keep = null;
        }
    }

    private void endCommand() throws SendStreamException {
        int computed = (int) ~crc.getValue();
        if (computed != storedCrc) {
            throw fail(String.format("CRC32C mismatch (stored 0x%08x, computed 0x%08x)", storedCrc, computed));
        }
        if (problem != null) {
            throw fail(problem);
        }
        if (attrHeadFill != 0) {
            throw fail("the command ends inside an attribute header");
        }
        if (command == 0 || command > SendFormat.maxCommand(SendFormat.MAX_VERSION)) {
            throw fail("not a known command");
        }
        if (command > SendFormat.maxCommand(version)) {
            throw fail("this command is not part of version " + version + " of the format (it came with version "
                    + SendFormat.commandSince(command) + ")");
        }
        if (commands == 0) {
            subvolume = firstCommand();
        } else if (command == C_SUBVOL || command == C_SNAPSHOT) {
            throw fail("a second subvolume starts here; a stream must hold a single subvolume");
        }
        if (command == C_UTIMES) {
            boolean otime = (seen & (1L << A_OTIME)) != 0;
            if (version == 1 && otime) {
                throw fail("UTIMES carries OTIME, which version-1 streams never do: the version field is damaged?");
            }
            if (version >= 2 && !otime) {
                throw fail("UTIMES lacks OTIME, which version-" + version
                        + " streams always carry: the version field is damaged?");
            }
        }
        commands++;
        state = command == C_END ? State.ENDED : State.COMMAND_HEADER;
    }

    private StreamSubvolume firstCommand() throws SendStreamException {
        if (command != C_SUBVOL && command != C_SNAPSHOT) {
            throw fail("the stream must start with SUBVOL or SNAPSHOT");
        }
        require(path, A_PATH, -1);
        require(uuid, A_UUID, 16);
        require(ctransid, A_CTRANSID, 8);
        UUID parent = null;
        long parentCtransid = 0;
        if (command == C_SNAPSHOT) {
            require(cloneUuid, A_CLONE_UUID, 16);
            require(cloneCtransid, A_CLONE_CTRANSID, 8);
            parent = toUuid(cloneUuid);
            parentCtransid = le64(cloneCtransid);
        }
        StreamSubvolume s = new StreamSubvolume(new String(path, StandardCharsets.UTF_8), toUuid(uuid),
                le64(ctransid), parent, parentCtransid);
        path = uuid = ctransid = cloneUuid = cloneCtransid = null;
        return s;
    }

    private void require(byte[] value, int type, int length) throws SendStreamException {
        if (value == null) {
            throw fail("attribute " + SendFormat.attributeName(type) + " is missing");
        }
        if (length >= 0 && value.length != length) {
            throw fail("attribute " + SendFormat.attributeName(type) + " has " + value.length + " bytes instead of "
                    + length);
        }
    }

    private SendStreamException fail(String what) {
        return new SendStreamException("command #" + (commands + 1) + " (" + SendFormat.commandName(command)
                + ") at byte offset " + commandStart + ": " + what, commandStart, commands + 1);
    }

    private static UUID toUuid(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new UUID(bb.getLong(), bb.getLong());
    }

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    private static long le32(byte[] b, int i) {
        return (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24;
    }

    private static long le64(byte[] b) {
        return le32(b, 0) | le32(b, 4) << 32;
    }

    private static String printable(byte[] b, int n) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.append('"').toString();
    }
}
