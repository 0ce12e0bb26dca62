package btrfss3.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether stderr is a terminal, the place where a progress line belongs.
 *
 * <p>{@code System.console()} is not the test: in Java 17 it is non-null when stdin and stdout are
 * terminals, which says nothing about stderr. {@code backup --json > out.json} on a terminal has no
 * console but should show progress; {@code backup 2> log} has one but must not fill the log with
 * carriage returns. Linux (the only system with btrfs) names the file behind descriptor 2 in
 * {@code /proc/self/fd/2}: a terminal is {@code /dev/pts/N}, {@code /dev/ttyX} or
 * {@code /dev/console}. Under cron it is a pipe, under systemd a socket or a file, so neither ever
 * gets progress. Where /proc cannot be read the answer is no.
 */
public final class Terminal {
    private Terminal() {}

    public static boolean stderrIsTerminal() {
        return isTerminal(Path.of("/proc/self/fd/2"));
    }

    static boolean isTerminal(Path descriptor) {
        try {
            return isTerminalDevice(Files.readSymbolicLink(descriptor).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }
}
