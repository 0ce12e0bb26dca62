package btrfss3.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.s3.ThawPlan.Item;
import btrfss3.s3.ThawPlan.State;
import btrfss3.s3.ThawPlan.Totals;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ThawPlanTest {
    private static final long MIB = 1 << 20;

    private static ThawPlan plan(Item... items) {
        return new ThawPlan(List.of(items));
    }

    private static final ThawPlan MIXED = plan(
            new Item("e/1/xaaaa", "STANDARD", 4 * MIB, State.AVAILABLE),
            new Item("e/1/xaaab", "GLACIER", 10 * MIB, State.ARCHIVED),
            new Item("e/1/xaaac", "GLACIER", 6 * MIB, State.THAWING),
            new Item("e/2/xaaaa", "DEEP_ARCHIVE", 100 * MIB, State.ARCHIVED),
            new Item("e/2/xaaab", "DEEP_ARCHIVE", 1000, State.AVAILABLE));

    @Test
    void countsAndBytesPerStateAndPerClass() {
        assertEquals(new Totals(5, 120 * MIB + 1000), MIXED.total());
        assertEquals(Map.of(State.AVAILABLE, new Totals(2, 4 * MIB + 1000), State.ARCHIVED, new Totals(2, 110 * MIB),
                State.THAWING, new Totals(1, 6 * MIB)), MIXED.byState());
        assertEquals(Map.of("STANDARD", new Totals(1, 4 * MIB), "GLACIER", new Totals(2, 16 * MIB),
                "DEEP_ARCHIVE", new Totals(2, 100 * MIB + 1000)), MIXED.byClass());
        assertEquals(List.of("DEEP_ARCHIVE", "GLACIER", "STANDARD"), List.copyOf(MIXED.byClass().keySet()));
        assertEquals(List.of("e/1/xaaab", "e/2/xaaaa"), MIXED.in(State.ARCHIVED).stream().map(Item::key).toList());
        assertFalse(MIXED.allAvailable());
        assertEquals(new Totals(0, 0), plan().total(State.THAWING));
        assertTrue(plan().allAvailable());
    }

    @Test
    void theSummaryNamesStatesAndClasses() {
        assertEquals("5 chunk(s), 120.0 MiB: 2 available (4.0 MiB), 2 archived (110.0 MiB), 1 thawing (6.0 MiB); "
                + "by class: DEEP_ARCHIVE 2 chunk(s), 100.0 MiB; GLACIER 2 chunk(s), 16.0 MiB; "
                + "STANDARD 1 chunk(s), 4.0 MiB", MIXED.summary());
        assertEquals("0 chunk(s), 0 bytes", plan().summary());
    }

    @Test
    void expectedWaitsAreAwsStatedTimesPerClassToThaw() {
        assertEquals(Map.of("DEEP_ARCHIVE", "within 12 hours", "GLACIER", "3-5 hours"),
                MIXED.expectedWait(ThawTier.STANDARD));
        assertEquals(Map.of("DEEP_ARCHIVE", "within 48 hours", "GLACIER", "5-12 hours"),
                MIXED.expectedWait(ThawTier.BULK));
        assertEquals(Duration.ofHours(48), MIXED.longestWait(ThawTier.BULK));
        ThawPlan glacier = plan(new Item("k", "GLACIER", 1, State.ARCHIVED),
                new Item("d", "DEEP_ARCHIVE", 1, State.THAWING)); // already thawing: not asked for again
        assertEquals(Map.of("GLACIER", "1-5 minutes"), glacier.expectedWait(ThawTier.EXPEDITED));
        assertEquals(Duration.ofMinutes(5), glacier.longestWait(ThawTier.EXPEDITED));
        assertEquals(Map.of(), plan(new Item("k", "GLACIER", 1, State.THAWING)).expectedWait(ThawTier.BULK));
        assertEquals(Duration.ZERO, plan().longestWait(ThawTier.STANDARD));
    }

    @Test
    void expeditedIsRefusedForDeepArchiveNamingTheClassAndTheOtherTiers() {
        Failure f = assertThrows(Failure.class, () -> MIXED.expectedWait(ThawTier.EXPEDITED));
        assertEquals(ExitCode.USAGE, f.exitCode());
        assertEquals("the Expedited tier is not offered for DEEP_ARCHIVE, the class of 1 chunk(s), 100.0 MiB to thaw "
                + "(e/2/xaaaa); thaw them with Standard (within 12 hours) or Bulk (within 48 hours)", f.getMessage());
        assertThrows(Failure.class, () -> MIXED.longestWait(ThawTier.EXPEDITED));
    }

    @Test
    void tiersAreNamedInAnyCase() {
        assertEquals(ThawTier.EXPEDITED, ThawTier.parse("expedited"));
        assertEquals(ThawTier.STANDARD, ThawTier.parse("STANDARD"));
        assertEquals(ThawTier.BULK, ThawTier.parse(" Bulk "));
        assertEquals("Bulk", ThawTier.BULK.sdkTier().toString());
        Failure f = assertThrows(Failure.class, () -> ThawTier.parse("fast"));
        assertEquals(ExitCode.USAGE, f.exitCode());
        assertEquals("unknown thaw tier 'fast': one of Expedited, Standard, Bulk", f.getMessage());
        assertEquals(Optional.empty(), ThawTier.EXPEDITED.expectedWait("deep_archive"));
        assertThrows(IllegalArgumentException.class, () -> ThawTier.BULK.expectedWait("GLACIER_IR"));
    }

    @Test
    void updatedItemsReplaceTheirKeyInPlace() {
        ThawPlan after = MIXED.with(List.of(new Item("e/2/xaaaa", "DEEP_ARCHIVE", 100 * MIB, State.THAWING),
                new Item("e/1/xaaab", "GLACIER", 10 * MIB, State.AVAILABLE)));
        assertEquals(List.of(State.AVAILABLE, State.AVAILABLE, State.THAWING, State.THAWING, State.AVAILABLE),
                after.items().stream().map(Item::state).toList());
        assertEquals(MIXED.items().stream().map(Item::key).toList(), after.items().stream().map(Item::key).toList());
    }

    @Test
    void sizesForPeople() {
        assertEquals("1023 bytes", ThawPlan.size(1023));
        assertEquals("1.5 KiB", ThawPlan.size(1536));
        assertEquals("1.0 GiB", ThawPlan.size(1L << 30));
        assertEquals("8.0 EiB", ThawPlan.size(Long.MAX_VALUE));
    }
}
