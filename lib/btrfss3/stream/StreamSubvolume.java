package btrfss3.stream;

import java.util.UUID;

/**
 * The subvolume a send stream creates, from its first command (SUBVOL for a full stream, SNAPSHOT
 * for an incremental one).
 *
 * @param name           the PATH of that command: the name btrfs receive gives the subvolume
 * @param uuid           UUID of the sent subvolume (as {@code btrfs subvolume show} prints it as "UUID")
 * @param ctransid       its ctransid
 * @param parentUuid     for an incremental stream, UUID of the parent it applies to; null for a full stream
 * @param parentCtransid for an incremental stream, the parent's ctransid; 0 for a full stream
 */
public record StreamSubvolume(String name, UUID uuid, long ctransid, UUID parentUuid, long parentCtransid) {
    /** True for an incremental stream (SNAPSHOT), which needs its parent on the receiving side. */
    public boolean incremental() {
        return parentUuid != null;
    }
}
