package btrfss3.format;

import btrfss3.crypto.IntrinsicWarmup;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/** The secret a restore reads backups with, for the format whose marker it understands. */
public interface RestoreKey {
    /** For messages: "an RSA private key", "an age identity". */
    String description();

    /** The format name (as in {@link BackupFormat#name()}) this key reads. */
    String format();

    String markerName();

    /**
     * Opens one backup from its marker.
     *
     * @throws MarkerException when the marker was not made for this key, or is damaged
     */
    ChunkDecryptor open(byte[] marker) throws MarkerException;

    /** What of the JDK's cryptography decrypting runs on every byte, to compile early. */
    default Set<IntrinsicWarmup.Path> bulkPaths() {
        return Set.of();
    }

    /**
     * Called before a run starts decrypting, with how many stored bytes of backups in this key's
     * format it is about to read: a key may get ready for a long run.
     */
    default void expect(long bytes) {}

    /** What any of these keys may run on every byte: a restore does not know which one its backups need. */
    static Set<IntrinsicWarmup.Path> bulkPathsOf(Collection<? extends RestoreKey> keys) {
        Set<IntrinsicWarmup.Path> paths = EnumSet.noneOf(IntrinsicWarmup.Path.class);
        keys.forEach(k -> paths.addAll(k.bulkPaths()));
        return paths;
    }

    /** Turns stored chunks back into plaintext, one chunk at a time. */
    interface ChunkDecryptor {
        InputStream decrypt(InputStream stored) throws IOException;
    }

    /** The marker cannot be used: the backup is skipped (or, where it says so, the chain ends). */
    final class MarkerException extends Exception {
        private final boolean chainBroken;

        public MarkerException(String message, boolean chainBroken) {
            super(message, null, false, false);
            this.chainBroken = chainBroken;
        }

        /** True when the backup is known to hold no restorable data, so nothing after it can restore. */
        public boolean chainBroken() {
            return chainBroken;
        }
    }
}
