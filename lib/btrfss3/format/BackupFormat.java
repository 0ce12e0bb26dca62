package btrfss3.format;

import btrfss3.btrfs.SubvolumeInfo;
import java.io.IOException;
import java.io.OutputStream;

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

    /** The marker's bytes, uploaded last: no marker, no backup. */
    byte[] marker(SubvolumeInfo snapshot) throws IOException;

    @Override
    void close();
}
