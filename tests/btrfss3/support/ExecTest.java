package btrfss3.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A program that hangs fails its test, and leaves no process behind. */
class ExecTest {
    @TempDir
    Path dir;

    @Test
    void aHangingProgramAndItsChildrenAreKilledAtTheLimit() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        IOException e = assertThrows(IOException.class, () -> Exec.run(
                List.of("bash", "-c", "sleep 300 & echo $! > \"$0\"; wait", pidFile.toString()), null, Map.of(), null,
                Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("did not end within 2 s"), e.getMessage());
        long child = Long.parseLong(Files.readString(pidFile).strip());
        var handle = ProcessHandle.of(child);
        if (handle.isPresent()) {
            // Killed, so gone long before its 300 s; the bound only keeps a failure from waiting that long.
            handle.get().onExit().get(60, TimeUnit.SECONDS);
        }
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "the child sleep was killed");
    }
}
