package btrfss3.testenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HarnessMainTest {
    @Test
    void parsesSizes() {
        assertEquals(123, HarnessMain.parseSize("123"));
        assertEquals(10 * 1024, HarnessMain.parseSize("10K"));
        assertEquals(512L << 20, HarnessMain.parseSize("512M"));
        assertEquals(512L << 20, HarnessMain.parseSize("512MiB"));
        assertEquals(2L << 30, HarnessMain.parseSize("2g"));
        assertEquals(1L << 40, HarnessMain.parseSize("1TB"));
        assertThrows(RuntimeException.class, () -> HarnessMain.parseSize("lots"));
        assertThrows(RuntimeException.class, () -> HarnessMain.parseSize("99999999999T"));
    }

    private static int run(ByteArrayOutputStream out, String... args) throws Exception {
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return HarnessMain.run(args);
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void generateMutateCompare(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, run(out, "generate", a.toString(), "8", "1M", "256K"));
        assertEquals(0, run(out, "generate", b.toString(), "8", "1M", "256K"));
        assertEquals(0, run(out, "compare", a.toString(), b.toString()));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals(0, run(out, "mutate", b.toString(), "3"));
        assertEquals(1, run(out, "compare", a.toString(), b.toString()));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(TreeComparer.differences(a, b), lines);
        assertTrue(lines.size() > 10, lines::toString);
        assertTrue(Files.exists(b.resolve("docs")));
    }

    @Test
    void rejectsBadUsage() {
        assertThrows(RuntimeException.class, () -> HarnessMain.run(new String[] {"no-such-command"}));
        assertThrows(RuntimeException.class, () -> HarnessMain.run(new String[] {"compare", "only-one"}));
        assertThrows(RuntimeException.class, () -> HarnessMain.run(new String[] {"cleanup", "--bogus"}));
        assertThrows(RuntimeException.class, () -> HarnessMain.run(new String[] {"s3", "--port"}));
    }
}
