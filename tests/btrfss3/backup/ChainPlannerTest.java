package btrfss3.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChainPlannerTest {
    @Test
    void noSnapshotsMeansAFullBackup() throws Exception {
        var plan = ChainPlanner.plan("e", List.of(), null, List.of(), 100, true);
        assertEquals(Optional.empty(), plan.parent());
        assertFalse(plan.deleteParentAfter());
    }

    @Test
    void theNewestSnapshotOfTheEpochIsTheParent() throws Exception {
        var plan = ChainPlanner.plan("e", List.of(10L, 30L, 20L), "other", List.of(40L), 100, true);
        assertEquals(Optional.of(new ChainPlanner.Snapshot("e", 30)), plan.parent());
        assertFalse(plan.fromOtherEpoch());
        assertTrue(plan.deleteParentAfter());
    }

    @Test
    void aBranchStartsFromTheOtherEpochAndNeverDeletesItsSnapshot() throws Exception {
        var plan = ChainPlanner.plan("monthly", List.of(), "daily", List.of(5L, 7L), 100, true);
        assertEquals(Optional.of(new ChainPlanner.Snapshot("daily", 7)), plan.parent());
        assertTrue(plan.fromOtherEpoch());
        assertFalse(plan.deleteParentAfter());
    }

    @Test
    void aBranchWithNothingToStartFromIsRefused() {
        assertThrows(ChainPlanner.Refusal.class, () -> ChainPlanner.plan("m", List.of(), "d", List.of(), 100, false));
    }

    @Test
    void aSeqNotAfterTheNewestIsRefused() {
        assertThrows(ChainPlanner.Refusal.class, () -> ChainPlanner.plan("e", List.of(100L), null, List.of(), 100, false));
        assertThrows(ChainPlanner.Refusal.class, () -> ChainPlanner.plan("e", List.of(100L), null, List.of(), 99, false));
    }

    @Test
    void withoutDashDTheParentStays() throws Exception {
        assertFalse(ChainPlanner.plan("e", List.of(1L), null, List.of(), 2, false).deleteParentAfter());
    }
}
