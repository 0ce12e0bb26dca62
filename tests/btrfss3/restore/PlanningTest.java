package btrfss3.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.cli.Failure;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The pure parts of restore's planning: --until's forms and the chain rule. */
class PlanningTest {
    @Test
    void untilAcceptsASeqAndIso8601Times() {
        assertEquals(1795680060L, Until.parse("1795680060"));
        assertEquals(1795680060L, Until.parse("2026-11-26T08:01:00Z"));
        assertEquals(1795680060L, Until.parse("2026-11-26T09:01:00+01:00"));
        assertEquals(1795680060L, Until.parse("2026-11-26T08:01"), "no offset: UTC");
        assertEquals(1795737599L, Until.parse("2026-11-26"), "a date includes the whole day");
        for (String bad : new String[] {"yesterday", "", "2026-13-01", "-5", "99999999999999999999"}) {
            Failure f = assertThrows(Failure.class, () -> Until.parse(bad), bad);
            assertEquals(1, f.exitCode());
        }
    }

    @Test
    void anIncrementFollowsAnEarlierBackupOrStartsABranch() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        assertNull(ChainCheck.problem(null, null, Set.of()), "a full backup");
        assertNull(ChainCheck.problem(null, false, Set.of(a)), "a full backup later in the chain");
        assertNull(ChainCheck.problem(a, false, Set.of(a, b)), "the previous backup");
        assertNull(ChainCheck.problem(a, null, Set.of(a, b)), "an older one, after a run killed past its marker");
        assertNull(ChainCheck.problem(other, true, Set.of()), "the first backup of a branch");
        assertNull(ChainCheck.problem(other, null, Set.of()), "without a manifest a first increment may be a branch");
        assertTrue(ChainCheck.problem(other, false, Set.of()).contains("which no earlier backup"));
        assertTrue(ChainCheck.problem(other, null, Set.of(a)).contains("which no earlier backup"));
        assertTrue(ChainCheck.problem(other, true, Set.of(a)).contains("not the first backup"));
    }
}
