package btrfss3.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private static final long MIB = 1L << 20;

    @Test
    void bytesHaveThreeSignificantDigitsInBinaryUnits() {
        assertEquals("0 B", ProgressLine.bytes(0));
        assertEquals("1023 B", ProgressLine.bytes(1023));
        assertEquals("1.00 KiB", ProgressLine.bytes(1024));
        assertEquals("87.3 MiB", ProgressLine.bytes(Math.round(87.3 * MIB)));
        assertEquals("512 MiB", ProgressLine.bytes(512 * MIB));
        assertEquals("1.00 GiB", ProgressLine.bytes(1024 * MIB - 1), "not 1024 MiB");
        assertEquals("1.21 GiB", ProgressLine.bytes(Math.round(1.21 * 1024 * MIB)));
        assertEquals("8.00 EiB", ProgressLine.bytes(Long.MAX_VALUE));
    }

    @Test
    void durationsAreHoursMinutesSeconds() {
        assertEquals("0:00:00", ProgressLine.duration(0));
        assertEquals("0:01:05", ProgressLine.duration(65));
        assertEquals("100:00:01", ProgressLine.duration(360_001));
    }

    @Test
    void aBackupShowsItsChunkBytesAndRateButNoEtaWithoutATotal() {
        var s = new Progress.Snapshot(1536 * MIB, Progress.UNKNOWN, 3, Progress.UNKNOWN, null);
        assertEquals("chunk 3  1.50 GiB  80.0 MiB/s", ProgressLine.format(s, 80 * MIB));
    }

    @Test
    void aRestoreShowsItsStepTotalsAndEta() {
        var s = new Progress.Snapshot(1024 * MIB, 4096 * MIB, 3, 7, "backup 2 of 5");
        assertEquals("backup 2 of 5  chunk 3 of 7  1.00 GiB of 4.00 GiB  100 MiB/s  ETA 0:00:31",
                ProgressLine.format(s, 100 * MIB));
    }

    @Test
    void anUnknownRateShowsNeitherRateNorEta() {
        var s = new Progress.Snapshot(10, 100, 0, Progress.UNKNOWN, null);
        assertEquals("10 B of 100 B", ProgressLine.format(s, -1));
        assertEquals("10 B of 100 B  0 B/s", ProgressLine.format(s, 0), "a stalled transfer has no ETA");
    }
}
