package btrfss3.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(terminal, true, StandardCharsets.UTF_8);
    private final Progress progress = new Progress();
    private long now = 1;

    private String shown() {
        return terminal.toString(StandardCharsets.UTF_8);
    }

    @Test
    void nothingIsDrawnBeforeTheTransferStarts() {
        ProgressDisplay d = ProgressDisplay.manual(progress, stream, () -> now);
        d.tick();
        d.close();
        assertEquals("", shown());
    }

    @Test
    void theLineIsRedrawnInPlaceAndCoversALongerPreviousOne() {
        ProgressDisplay d = ProgressDisplay.manual(progress, stream, () -> now);
        progress.chunk(12);
        progress.addBytes(2048);
        d.tick();
        assertEquals("\rchunk 12  2.00 KiB", shown());
        terminal.reset();
        progress.chunk(1);
        d.tick();
        String redraw = shown();
        assertTrue(redraw.startsWith("\rchunk 1  2.00 KiB"), redraw);
        assertEquals("\rchunk 12  2.00 KiB".length(), redraw.length(), "spaces cover the longer line: " + redraw);
    }

    @Test
    void theRateAppearsOnceTimeHasPassedAndTheFinalLineHasTheAverage() {
        ProgressDisplay d = ProgressDisplay.manual(progress, stream, () -> now);
        progress.addBytes(1 << 20);
        d.tick();
        now += 1_000_000_000L;
        progress.addBytes(2 << 20);
        d.tick();
        assertTrue(shown().endsWith("\r3.00 MiB  2.00 MiB/s"), shown());
        now += 2_000_000_000L;
        terminal.reset();
        d.close();
        assertEquals("\r3.00 MiB  1.00 MiB/s\n", shown(), "3 MiB since it was first seen, 3 seconds ago");
    }

    @Test
    void closingDrawsTheFinalStateAndEndsTheLine() {
        ProgressDisplay d = ProgressDisplay.manual(progress, stream, () -> now);
        progress.chunk(1);
        progress.addBytes(5);
        d.close();
        assertEquals("\rchunk 1  5 B\n", shown());
        progress.addBytes(5);
        d.tick();
        d.close();
        assertEquals("\rchunk 1  5 B\n", shown(), "nothing after closing");
    }

    @Test
    void aMessageClearsTheLineAndNoRedrawSplitsIt() {
        ProgressDisplay d = ProgressDisplay.manual(progress, stream, () -> now);
        PrintStream messages = d.above(stream);
        progress.addBytes(100);
        d.tick();
        terminal.reset();
        messages.print("WARNING: half");
        d.tick();
        messages.println(" a line");
        assertEquals("\r" + " ".repeat("100 B".length()) + "\rWARNING: half a line\n", shown());
        terminal.reset();
        d.tick();
        assertEquals("\r100 B", shown(), "drawn again below the message");
    }

    @Test
    void aDisplayThatIsOffWritesNothingAndPassesMessagesThrough() {
        ProgressDisplay d = ProgressDisplay.off();
        assertFalse(d.isOn());
        assertSame(stream, d.above(stream));
        d.tick();
        d.close();
        assertEquals("", shown());
    }

    @Test
    void theTimerDrawsOnItsOwn() throws InterruptedException {
        try (ProgressDisplay d = ProgressDisplay.start(progress, stream)) {
            progress.chunk(2);
            progress.addBytes(3 << 20);
            long deadline = System.currentTimeMillis() + 5000;
            while (!shown().contains("chunk 2  3.00 MiB") && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(shown().contains("\rchunk 2  3.00 MiB"), shown());
        }
        assertTrue(shown().endsWith("\n"), shown());
    }
}
