package btrfss3.stream;

import java.nio.charset.StandardCharsets;

/**
 * Numbers of the btrfs send stream format (kernel {@code fs/btrfs/send.h}, btrfs-progs
 * {@code Documentation/dev/dev-send-stream.rst}).
 *
 * <pre>
 * stream header:  "btrfs-stream\0" (13 bytes), le32 version
 * command:        le32 payload length, le16 command, le32 crc, payload
 * payload:        attributes: le16 type, le16 length, value
 * </pre>
 *
 * <p>From version 2 on, the DATA attribute has no length field: it is the last attribute of its
 * command and its value runs to the end of the command. The crc is CRC-32C (Castagnoli) over the
 * command header, with its crc field set to zero, and the payload; unlike the usual CRC-32C, the
 * register starts at 0 and the result is not inverted.
 */
final class SendFormat {
    private SendFormat() {}

    static final byte[] MAGIC = "btrfs-stream\0".getBytes(StandardCharsets.US_ASCII);
    static final int STREAM_HEADER_BYTES = MAGIC.length + 4;
    static final int COMMAND_HEADER_BYTES = 10;

    static final int MIN_VERSION = 1;
    static final int MAX_VERSION = 3;

    /** Version 1 streams are written from a 64 KiB buffer that holds the whole command, header included. */
    static final int MAX_COMMAND_BYTES_V1 = 64 * 1024;
    /**
     * Version 2 sets no limit; Linux writes commands of at most 16 KiB plus one compressed extent
     * (128 KiB), rounded up to a page. A length above this is taken for a damaged header rather than
     * read on for gigabytes before the crc could tell.
     */
    static final int MAX_COMMAND_BYTES_V2 = 16 * 1024 * 1024;

    static final int C_SUBVOL = 1;
    static final int C_SNAPSHOT = 2;
    static final int C_UTIMES = 20;
    static final int C_END = 21;

    static final int A_UUID = 1;
    static final int A_CTRANSID = 2;
    static final int A_OTIME = 12;
    static final int A_PATH = 15;
    static final int A_DATA = 19;
    static final int A_CLONE_UUID = 20;
    static final int A_CLONE_CTRANSID = 21;

    private static final String[] COMMANDS = {"UNSPEC", "SUBVOL", "SNAPSHOT", "MKFILE", "MKDIR", "MKNOD", "MKFIFO",
        "MKSOCK", "SYMLINK", "RENAME", "LINK", "UNLINK", "RMDIR", "SET_XATTR", "REMOVE_XATTR", "WRITE", "CLONE",
        "TRUNCATE", "CHMOD", "CHOWN", "UTIMES", "END", "UPDATE_EXTENT",
        // version 2
        "FALLOCATE", "FILEATTR", "ENCODED_WRITE",
        // version 3
        "ENABLE_VERITY"};

    private static final String[] ATTRIBUTES = {"UNSPEC", "UUID", "CTRANSID", "INO", "SIZE", "MODE", "UID", "GID",
        "RDEV", "CTIME", "MTIME", "ATIME", "OTIME", "XATTR_NAME", "XATTR_DATA", "PATH", "PATH_TO", "PATH_LINK",
        "FILE_OFFSET", "DATA", "CLONE_UUID", "CLONE_CTRANSID", "CLONE_PATH", "CLONE_OFFSET", "CLONE_LEN",
        // version 2
        "FALLOCATE_MODE", "FILEATTR", "UNENCODED_FILE_LEN", "UNENCODED_LEN", "UNENCODED_OFFSET", "COMPRESSION",
        "ENCRYPTION",
        // version 3
        "VERITY_ALGORITHM", "VERITY_BLOCK_SIZE", "VERITY_SALT_DATA", "VERITY_SIG_DATA"};

    /** The highest command number a stream of this version may hold. */
    static int maxCommand(int version) {
        return version == 1 ? 22 : version == 2 ? 25 : 26;
    }

    /** The highest attribute type a stream of this version may hold. */
    static int maxAttribute(int version) {
        return version == 1 ? 24 : version == 2 ? 31 : 35;
    }

    /** The first version that has this command (given it is at most the version-3 maximum). */
    static int commandSince(int command) {
        return command <= 22 ? 1 : command <= 25 ? 2 : 3;
    }

    static int maxCommandBytes(int version) {
        return version == 1 ? MAX_COMMAND_BYTES_V1 : MAX_COMMAND_BYTES_V2;
    }

    static String commandName(int command) {
        return command >= 0 && command < COMMANDS.length ? COMMANDS[command] : "unknown command " + command;
    }

    static String attributeName(int type) {
        return type >= 0 && type < ATTRIBUTES.length ? ATTRIBUTES[type] : "unknown attribute " + type;
    }
}
