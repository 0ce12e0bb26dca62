package btrfss3.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateMeterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstSampleHasNoRate() {
        assertTrue(new RateMeter(5 * SECOND).sample(SECOND, 100) < 0);
    }

    @Test
    void aSteadyCountGivesItsRate() {
        RateMeter m = new RateMeter(5 * SECOND);
        double rate = -1;
        for (int i = 0; i <= 40; i++) {
            rate = m.sample(i * SECOND / 4, i * 250L);
        }
        assertEquals(1000, rate, 1e-9);
    }

    @Test
    void theRateFollowsAChangeOfSpeedWithinTheWindow() {
        RateMeter m = new RateMeter(2 * SECOND);
        long count = 0;
        for (int i = 0; i <= 40; i++) {
            m.sample(i * SECOND / 4, count);
            count += 1000;
        }
        // Now a stall: after a window without progress the rate is zero, not an old average.
        double rate = 0;
        for (int i = 41; i <= 60; i++) {
            rate = m.sample(i * SECOND / 4, count);
        }
        assertEquals(0, rate, 1e-9);
    }
}
