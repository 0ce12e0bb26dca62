package btrfss3.format;

import btrfss3.btrfs.SubvolumeInfo;
import btrfss3.crypto.IntrinsicWarmup;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;

/**
 * How one backup encrypts its chunks and what its completion marker holds. One implementation
 * per on-disk format; everything else in the pipeline is shared.
 */
public interface BackupFormat extends AutoCloseable {
    /** "openssl" or "age": recorded next to the epoch's snapshots so an epoch never mixes formats. */
    String name();

    String markerName();

    /** Wraps the stored object's stream: plaintext written to the result is stored encrypted. */
    OutputStream encryptChunk(OutputStream stored) throws IOException;

    /** What of the JDK's cryptography {@link #encryptChunk} runs on every byte, to compile early. */
    default Set<IntrinsicWarmup.Path> bulkPaths() {
        return Set.of();
    }

    /** The marker's bytes, uploaded last: no marker, no backup. */
    byte[] marker(SubvolumeInfo snapshot) throws IOException;

    @Override
    void close();
}
