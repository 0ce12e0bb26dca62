package btrfss3.backup;

import java.util.List;
import java.util.Optional;

/**
 * Decides what a backup sends: full, or an increment on which snapshot. Pure: it sees only the
 * SEQs of completed local snapshots, so every rule is unit-tested without btrfs.
 */
public final class ChainPlanner {
    private ChainPlanner() {}

    /** A completed snapshot: its epoch and SEQ. */
    public record Snapshot(String epoch, long seq) {}

    /**
     * @param parent the snapshot to send the increment from, or empty for a full send
     * @param fromOtherEpoch true when the parent belongs to the branch epoch (-B)
     * @param deleteParentAfter true when -d asked for it and the parent is of this epoch
     */
    public record Plan(Optional<Snapshot> parent, boolean fromOtherEpoch, boolean deleteParentAfter) {}

    /** Why a backup must not run. */
    public static final class Refusal extends Exception {
        public Refusal(String message) {
            super(message, null, false, false);
        }
    }

    public static Plan plan(String epoch, List<Long> epochSnapshots, String branchEpoch, List<Long> branchSnapshots,
                            long newSeq, boolean deletePrevious) throws Refusal {
        Optional<Long> newest = epochSnapshots.stream().max(Long::compare);
        if (newest.isPresent()) {
            if (newSeq <= newest.get()) {
                throw new Refusal("the newest snapshot of epoch " + epoch + " is " + newest.get()
                        + ", not older than this backup's " + newSeq
                        + " (clock went backwards, or two backups in one second)");
            }
            return new Plan(Optional.of(new Snapshot(epoch, newest.get())), false, deletePrevious);
        }
        if (branchEpoch != null) {
            Optional<Long> branchNewest = branchSnapshots.stream().max(Long::compare);
            if (branchNewest.isEmpty()) {
                throw new Refusal("neither epoch " + epoch + " nor the branch epoch " + branchEpoch
                        + " has a completed snapshot to start from");
            }
            return new Plan(Optional.of(new Snapshot(branchEpoch, branchNewest.get())), true, false);
        }
        return new Plan(Optional.empty(), false, false);
    }
}
