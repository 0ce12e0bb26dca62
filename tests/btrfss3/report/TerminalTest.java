package btrfss3.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminalTest {
    @Test
    void terminalsAreTheTtyAndPseudoTerminalDevices() {
        assertTrue(Terminal.isTerminalDevice("/dev/pts/3"));
        assertTrue(Terminal.isTerminalDevice("/dev/tty1"));
        assertTrue(Terminal.isTerminalDevice("/dev/console"));
        assertFalse(Terminal.isTerminalDevice("pipe:[4711]"), "cron");
        assertFalse(Terminal.isTerminalDevice("socket:[4711]"), "systemd's journal");
        assertFalse(Terminal.isTerminalDevice("/var/log/backup.log"));
        assertFalse(Terminal.isTerminalDevice("/dev/null"));
    }

    @Test
    void theDescriptorIsReadAsProcShowsIt(@TempDir Path dir) throws IOException {
        Path tty = Files.createSymbolicLink(dir.resolve("2"), Path.of("/dev/pts/0"));
        Path pipe = Files.createSymbolicLink(dir.resolve("3"), Path.of("pipe:[1]"));
        assertTrue(Terminal.isTerminal(tty));
        assertFalse(Terminal.isTerminal(pipe));
        assertFalse(Terminal.isTerminal(dir.resolve("missing")));
    }
}
