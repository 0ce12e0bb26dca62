package btrfss3.report;

import java.util.ArrayDeque;

/**
 * The current rate of a growing count, over a sliding window: steadier than the last interval
 * alone, and quicker to follow a change of speed than the average since the start.
 */
final class RateMeter {
    private record Sample(long nanos, long count) {}

    private final long windowNanos;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    RateMeter(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** Records {@code count} at {@code nanos} and returns the rate per second, or a negative number while unknown. */
    double sample(long nanos, long count) {
        samples.addLast(new Sample(nanos, count));
        // Keep one sample at or before the window's start, so the window is always covered.
        while (samples.size() > 2 && nanos - nextToOldest().nanos >= windowNanos) {
            samples.removeFirst();
        }
        Sample oldest = samples.peekFirst();
        long elapsed = nanos - oldest.nanos;
        if (elapsed <= 0) {
            return -1;
        }
        return (count - oldest.count) * 1e9 / elapsed;
    }

    private Sample nextToOldest() {
        var it = samples.iterator();
        it.next();
        return it.next();
    }
}
