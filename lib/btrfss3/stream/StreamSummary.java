package btrfss3.stream;

import java.util.UUID;

/**
 * What a completely verified send stream holds.
 *
 * @param version   stream format version (1, 2 or 3)
 * @param commands  number of commands, the first (SUBVOL or SNAPSHOT) and END included
 * @param bytes     length of the stream in bytes, stream header included
 * @param subvolume the subvolume the stream creates
 */
public record StreamSummary(int version, long commands, long bytes, StreamSubvolume subvolume) {
    public String name() {
        return subvolume.name();
    }

    public UUID uuid() {
        return subvolume.uuid();
    }

    public long ctransid() {
        return subvolume.ctransid();
    }

    /** UUID of the parent an incremental stream applies to; null for a full stream. */
    public UUID parentUuid() {
        return subvolume.parentUuid();
    }

    /** The parent's ctransid; 0 for a full stream. */
    public long parentCtransid() {
        return subvolume.parentCtransid();
    }

    public boolean incremental() {
        return subvolume.incremental();
    }
}
