package btrfss3.restore;

import java.util.Set;
import java.util.UUID;

/**
 * Whether a backup can follow the ones before it in its epoch: an increment applies to a snapshot
 * that an earlier backup of the epoch created, or, for the first backup of a branched epoch
 * ({@code -B}), to a snapshot of the epoch it branched from. Usually that is the previous backup;
 * it may be an older one when a backup was killed after storing its marker, which restore handles.
 */
final class ChainCheck {
    private ChainCheck() {}

    /**
     * @param parentUuid the parent named in the backup's stream, null for a full stream
     * @param branch     what the manifest says (true: the parent is in another epoch), null without a manifest
     * @param earlier    UUIDs of the snapshots the earlier backups of the epoch create
     * @return why the backup cannot follow the earlier ones, or null if it can
     */
    static String problem(UUID parentUuid, Boolean branch, Set<UUID> earlier) {
        if (parentUuid == null || earlier.contains(parentUuid)) {
            return null;
        }
        boolean first = earlier.isEmpty();
        if (first && (branch == null || branch)) {
            return null;
        }
        if (Boolean.TRUE.equals(branch)) {
            return "it is an increment on another epoch's snapshot " + parentUuid
                    + ", but it is not the first backup of its epoch";
        }
        return "it is an increment on snapshot " + parentUuid + ", which no earlier backup of the epoch created";
    }
}
