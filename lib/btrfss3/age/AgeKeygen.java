package btrfss3.age;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/** Key generation, written in the same text form as {@code age-keygen}. */
public final class AgeKeygen {
    /** Seconds precision and "Z" or "+hh:mm", like Go's time.RFC3339 that age-keygen uses. */
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    public enum KeyType {
        /** {@code AGE-SECRET-KEY-1…} / {@code age1…}: what age-keygen makes by default. */
        X25519,
        /** {@code AGE-SECRET-KEY-PQ-1…} / {@code age1pq1…}: hybrid post-quantum ({@code age-keygen -pq}). */
        MLKEM768_X25519
    }

    private AgeKeygen() {}

    public static Identity generate(KeyType type) {
        return switch (type) {
            case X25519 -> X25519Identity.generate();
            case MLKEM768_X25519 -> HybridIdentity.generate();
        };
    }

    /**
     * The identity file text: {@code # created: <RFC 3339 time>}, {@code # public key: <recipient>},
     * then the secret key line.
     */
    public static String format(Identity identity, OffsetDateTime created) {
        return "# created: " + created.truncatedTo(ChronoUnit.SECONDS).format(RFC3339) + "\n"
                + "# public key: " + identity.recipient() + "\n"
                + identity.secretKeyString() + "\n";
    }

    /**
     * Generates a key and writes it to a new identity file that only its owner can read or write
     * (mode 0600). The file is complete and synced before it appears under its name, and it is
     * never readable by others, not even while being written. An existing file is never
     * overwritten: losing an identity loses every backup encrypted to it.
     *
     * @return the recipient string to encrypt to
     * @throws FileAlreadyExistsException if {@code identityFile} exists
     * @throws UnsupportedOperationException if the file system has no POSIX permissions
     */
    public static String writeIdentityFile(Path identityFile, KeyType type) throws IOException {
        Identity identity = generate(type);
        writeIdentityFile(identityFile, identity, OffsetDateTime.now());
        return identity.recipient().toString();
    }

    static void writeIdentityFile(Path identityFile, Identity identity, OffsetDateTime created) throws IOException {
        Path target = identityFile.toAbsolutePath();
        Path dir = target.getParent();
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "refusing to overwrite an existing identity file");
        }
        // Created with its final mode in the same call, so there is no moment it is readable by others.
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        byte[] content = format(identity, created).getBytes(StandardCharsets.US_ASCII);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            publish(tmp, target);
            syncDirectory(dir);
        } finally {
            Arrays.fill(content, (byte) 0);
            Files.deleteIfExists(tmp);
        }
    }

    /** A hard link fails atomically if the name is taken, unlike a rename, which would replace it. */
    private static void publish(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            // No hard links here (some FUSE or network file systems): a rename that refuses an
            // existing target, with a small window between its check and the rename.
            Files.move(tmp, target);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort: not every platform can open or sync a directory.
        }
    }
}
