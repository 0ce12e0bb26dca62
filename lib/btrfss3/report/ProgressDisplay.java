package btrfss3.report;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps one line of a terminal up to date with a {@link Progress}, redrawn in place with
 * {@code '\r'} a few times a second by a timer thread of its own, so the pipeline only ever
 * bumps counters. Closing it draws the final state once more and ends the line.
 * Other messages meant for the same terminal go through {@link #above(PrintStream)}, which clears
 * the line first, so that a warning is never glued to the end of a progress line.
 */
public final class ProgressDisplay implements AutoCloseable {
    /** Four redraws a second: lively, and nothing a terminal or a pipeline notices. */
    static final long PERIOD_MILLIS = 250;
    private static final long RATE_WINDOW_NANOS = 5_000_000_000L;

    private final Progress progress;
    private final PrintStream terminal;
    private final ScheduledExecutorService timer;
    private final LongSupplier nanos;
    private final RateMeter rate = new RateMeter(RATE_WINDOW_NANOS);
    private final Object lock = new Object();
    private int shownLength;
    private boolean shown;
    private boolean messageMidLine;
    private long firstSeenNanos;
    private boolean closed;

    private ProgressDisplay(Progress progress, PrintStream terminal, boolean redraw, LongSupplier nanos) {
        this.progress = progress;
        this.terminal = terminal;
        this.nanos = nanos;
        if (redraw) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "progress");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::tick, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /** Shows {@code progress} on {@code terminal} until closed. */
    public static ProgressDisplay start(Progress progress, PrintStream terminal) {
        return new ProgressDisplay(progress, terminal, true, System::nanoTime);
    }

    /** Shows nothing: for runs without a terminal, or that asked for no progress. */
    public static ProgressDisplay off() {
        return new ProgressDisplay(new Progress(), null, false, System::nanoTime);
    }

    /** For tests: draws only when {@link #tick()} is called, with time as {@code nanos} tells it. */
    static ProgressDisplay manual(Progress progress, PrintStream terminal, LongSupplier nanos) {
        return new ProgressDisplay(progress, terminal, false, nanos);
    }

    public boolean isOn() {
        return terminal != null;
    }

    /**
     * A stream that writes to {@code target}, first clearing the progress line if one is shown;
     * the next redraw puts it back below. {@code target} itself when the display is off.
     */
    public PrintStream above(PrintStream target) {
        if (!isOn()) {
            return target;
        }
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (len == 0) {
                    return;
                }
                synchronized (lock) {
                    erase();
                    target.write(b, off, len);
                    // println writes the text and the newline separately: no redraw in between.
                    messageMidLine = b[off + len - 1] != '\n';
                }
            }

            @Override
            public void flush() {
                target.flush();
            }
        }, true);
    }

    /** Redraws the line; the timer calls it. */
    void tick() {
        synchronized (lock) {
            if (closed || messageMidLine) {
                return;
            }
            Progress.Snapshot s = progress.snapshot();
            if (!s.started()) {
                return;
            }
            long now = nanos.getAsLong();
            if (firstSeenNanos == 0) {
                firstSeenNanos = now;
            }
            draw(ProgressLine.format(s, rate.sample(now, s.bytes())));
        }
    }

    /** Draws the final state with the average rate, and ends the line. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        synchronized (lock) {
            if (closed || !isOn()) {
                closed = true;
                return;
            }
            closed = true;
            Progress.Snapshot s = progress.snapshot();
            if (!s.started()) {
                return;
            }
            if (messageMidLine) {
                terminal.print('\n');
            }
            long elapsed = firstSeenNanos == 0 ? 0 : nanos.getAsLong() - firstSeenNanos;
            double average = elapsed > 0 ? s.bytes() * 1e9 / elapsed : -1;
            draw(ProgressLine.format(s, average));
            terminal.print('\n');
            terminal.flush();
            shown = false;
        }
    }

    private void draw(String line) {
        // Spaces cover what is left of a longer previous line.
        terminal.print('\r' + line + " ".repeat(Math.max(0, shownLength - line.length())));
        terminal.flush();
        shownLength = line.length();
        shown = true;
    }

    private void erase() {
        if (shown) {
            terminal.print('\r' + " ".repeat(shownLength) + '\r');
            terminal.flush();
            shown = false;
            shownLength = 0;
        }
    }
}
