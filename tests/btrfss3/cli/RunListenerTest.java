package btrfss3.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Cli tells a command how its run ended, whichever way it ended, and only when it ran. */
class RunListenerTest {
    @Command(name = "probe", mixinStandardHelpOptions = true)
    static class Probe implements Callable<Integer>, RunListener {
        @Option(names = "--do", required = true)
        String what;
        final List<String> ended = new ArrayList<>();

        @Override
        public Integer call() {
            return switch (what) {
                case "ok" -> 0;
                case "partial" -> 4;
                case "fail" -> throw Failure.failed("upload failed");
                case "usage" -> throw Failure.usage("--x and --y go together");
                default -> throw new IllegalStateException("boom");
            };
        }

        @Override
        public void runEnded(int exitCode, String error) {
            ended.add(exitCode + " " + error);
        }
    }

    private static List<String> run(String... args) {
        Probe p = new Probe();
        Cli.run(p, args);
        return p.ended;
    }

    @Test
    void everyEndingOfARunIsReported() {
        assertEquals(List.of("0 null"), run("--do", "ok"));
        assertEquals(List.of("4 null"), run("--do", "partial"));
        assertEquals(List.of("2 upload failed"), run("--do", "fail"));
        assertEquals(List.of("1 --x and --y go together"), run("--do", "usage"));
        assertEquals(List.of("2 unexpected IllegalStateException: boom"), run("--do", "other"));
    }

    @Test
    void nothingIsReportedWhenNothingRan() {
        assertEquals(List.of(), run("--do"));
        assertEquals(List.of(), run("--do", "ok", "--typo"));
        assertEquals(List.of(), run("--help"));
        assertEquals(List.of(), run("--version"));
    }
}
