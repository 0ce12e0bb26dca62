package btrfss3.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code ./jbang} launcher at the project root as a subprocess.
 *
 * <p>The first run starts from an empty HOME and an empty cache, so it fetches
 * dev.jbang:jbang-cli and everything Maven needs from Maven Central (tens of MB,
 * under a minute on a normal connection). The other tests reuse that cache.
 *
 * <p>Java takes {@code user.home} from the password database, not from $HOME, so
 * the empty HOME is also handed to every JVM (Maven, JBang, the script) through
 * JAVA_TOOL_OPTIONS; otherwise Maven and JBang would use the real ~/.m2 and ~/.jbang.
 */
class JbangLauncherTest {

    static final String VERSION = "0.132.1";
    static final long FETCH_TIMEOUT_MINUTES = 10;
    static final long RUN_TIMEOUT_MINUTES = 3;

    static final Path ROOT = Path.of(System.getProperty("project.root", ".")).toAbsolutePath().normalize();
    static final Path LAUNCHER = ROOT.resolve("jbang");

    @TempDir
    static Path shared;

    /** Empty HOME of the first run, kept for the runs that reuse its cache. */
    static Path home;
    static Path cache;
    static Result firstRun;
    static List<String> cacheListingAfterFirstRun;

    record Result(int exitCode, String out, String err) {
        /** JBang prints its version (and most messages) on stderr. */
        String all() {
            return out + err;
        }

        String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void firstRunFromEmptyHome() throws Exception {
        assertTrue(Files.isExecutable(LAUNCHER), "launcher missing or not executable: " + LAUNCHER);
        home = Files.createDirectories(shared.resolve("home"));
        cache = shared.resolve("cache");
        firstRun = run(baseEnv(home, cache), null, FETCH_TIMEOUT_MINUTES, "--version");
        cacheListingAfterFirstRun = listing(cache);
    }

    @Test
    void firstRunFromEmptyHomeFetchesJBangFromMavenCentral() throws IOException {
        assertEquals(0, firstRun.exitCode(), firstRun.describe());
        assertTrue(firstRun.all().contains(VERSION), firstRun.describe());
        assertTrue(firstRun.err().contains("fetching dev.jbang:jbang-cli:" + VERSION), firstRun.describe());
        assertTrue(Files.isRegularFile(cache.resolve(VERSION).resolve("lib").resolve("jbang-cli-" + VERSION + ".jar")),
                "cache: " + cacheListingAfterFirstRun);
        assertTrue(Files.isDirectory(home.resolve(".m2").resolve("repository").resolve("dev").resolve("jbang")),
                "Maven did not use the empty HOME's local repository");
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(List.of(VERSION), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "only the finished version folder must remain in the cache");
        }
    }

    @Test
    void secondRunUsesTheCacheWithoutMaven() throws Exception {
        assertEquals(0, firstRun.exitCode(), firstRun.describe());
        Path bin = Files.createDirectories(shared.resolve("second-run-bin"));
        Path called = shared.resolve("second-run-mvn-called");
        writeScript(bin.resolve("mvn"), "#!/bin/sh\n: > '" + called + "'\necho 'stub mvn' >&2\nexit 1\n");

        Map<String, String> env = baseEnv(home, cache);
        env.put("PATH", bin + File.pathSeparator + env.get("PATH"));
        Result r = run(env, null, RUN_TIMEOUT_MINUTES, "--version");

        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.all().contains(VERSION), r.describe());
        assertFalse(r.err().contains("fetching"), r.describe());
        assertFalse(Files.exists(called), "Maven was invoked on the second run");
        assertEquals(cacheListingAfterFirstRun, listing(cache), "the cache changed on the second run");
    }

    @Test
    void launcherProtocolRunsTheScriptWithArgumentsStdinAndExitCode() throws Exception {
        assertEquals(0, firstRun.exitCode(), firstRun.describe());
        Path dir = Files.createDirectories(shared.resolve("script"));
        Files.writeString(dir.resolve("echo7.java"), """
                ///usr/bin/env jbang "$0" "$@" ; exit $?
                //JAVA 17+
                //DEPS info.picocli:picocli:4.7.7

                import java.nio.charset.StandardCharsets;

                public class echo7 {
                    public static void main(String... args) throws Exception {
                        System.out.println("picocli=" + picocli.CommandLine.VERSION);
                        for (String a : args) {
                            System.out.println("arg=[" + a + "]");
                        }
                        String in = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
                        System.out.println("stdin=[" + in + "]");
                        System.exit(7);
                    }
                }
                """);
        Map<String, String> env = baseEnv(home, cache);
        Result r = run(env, "line one\nline two\n", dir, RUN_TIMEOUT_MINUTES,
                "echo7.java", "plain", "with space", "$HOME", "it's \"quoted\"", "*");

        assertEquals(7, r.exitCode(), r.describe());
        assertTrue(r.out().contains("picocli=4.7.7"), r.describe());
        assertTrue(r.out().contains("arg=[plain]\narg=[with space]\narg=[$HOME]\narg=[it's \"quoted\"]\narg=[*]\n"),
                r.describe());
        assertTrue(r.out().contains("stdin=[line one\nline two\n]"), r.describe());
        assertTrue(Files.isDirectory(home.resolve(".m2/repository/info/picocli/picocli/4.7.7")),
                "JBang did not resolve //DEPS into the empty HOME's Maven repository");
    }

    @Test
    void jbangErrorExitCodeAndMessageArePassedThrough() throws Exception {
        assertEquals(0, firstRun.exitCode(), firstRun.describe());
        Path dir = Files.createDirectories(shared.resolve("empty-dir"));
        Result r = run(baseEnv(home, cache), null, dir, RUN_TIMEOUT_MINUTES, "no-such-script.java");

        assertNotEquals(0, r.exitCode(), r.describe());
        assertNotEquals(255, r.exitCode(), r.describe());
        assertTrue(r.err().contains("no-such-script.java"), r.describe());
    }

    @Test
    void skipsItselfAndCopiesOfItselfOnPath() throws Exception {
        assertEquals(0, firstRun.exitCode(), firstRun.describe());
        Path bin = Files.createDirectories(shared.resolve("self-bin"));
        Path link = Files.createDirectories(shared.resolve("self-link"));
        Path copy = Files.createDirectories(shared.resolve("self-copy"));
        Files.createSymbolicLink(link.resolve("jbang"), LAUNCHER);
        Files.copy(LAUNCHER, copy.resolve("jbang"));
        Path called = shared.resolve("self-mvn-called");
        writeScript(bin.resolve("mvn"), "#!/bin/sh\n: > '" + called + "'\nexit 1\n");

        Map<String, String> env = baseEnv(home, cache);
        env.remove("JBANG_LAUNCHER_NO_PATH");
        env.put("PATH", String.join(File.pathSeparator, ROOT.toString(), link.toString(), copy.toString(),
                bin.toString(), env.get("PATH")));
        Result r = run(env, null, RUN_TIMEOUT_MINUTES, "--version");

        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.all().contains(VERSION), r.describe());
        assertFalse(Files.exists(called), "Maven was invoked");
    }

    @Test
    void delegatesToAnInstalledJbangOnPath() throws Exception {
        Path bin = Files.createDirectories(shared.resolve("installed-bin"));
        writeScript(bin.resolve("jbang"), """
                #!/bin/sh
                for a in "$@"; do echo "installed arg=[$a]"; done
                echo "installed stdin=[$(cat)]"
                exit 3
                """);
        Map<String, String> env = baseEnv(Files.createDirectories(shared.resolve("installed-home")),
                shared.resolve("installed-cache"));
        env.remove("JBANG_LAUNCHER_NO_PATH");
        env.put("PATH", ROOT + File.pathSeparator + bin + File.pathSeparator + env.get("PATH"));
        Result r = run(env, "input", ROOT, RUN_TIMEOUT_MINUTES, "run", "a b");

        assertEquals(3, r.exitCode(), r.describe());
        assertEquals("installed arg=[run]\ninstalled arg=[a b]\ninstalled stdin=[input]\n", r.out(), r.describe());
        assertFalse(Files.exists(shared.resolve("installed-cache")), "nothing must be fetched");
    }

    @Test
    void failedFetchReportsOneLineAndLeavesNoCache() throws Exception {
        Path bin = Files.createDirectories(shared.resolve("failing-bin"));
        writeScript(bin.resolve("mvn"), "#!/bin/sh\necho 'Could not transfer artifact (stub)'\nexit 1\n");
        Path failCache = shared.resolve("failing-cache");
        Map<String, String> env = baseEnv(Files.createDirectories(shared.resolve("failing-home")), failCache);
        env.put("PATH", bin + File.pathSeparator + env.get("PATH"));
        Result r = run(env, null, RUN_TIMEOUT_MINUTES, "--version");

        assertEquals(1, r.exitCode(), r.describe());
        assertEquals(1, errorLines(r).size(), r.describe());
        assertTrue(errorLines(r).get(0).contains("with Maven failed"), r.describe());
        assertEquals(List.of("fetch-" + VERSION + ".log"), names(failCache), r.describe());
        assertTrue(Files.readString(failCache.resolve("fetch-" + VERSION + ".log")).contains("(stub)"));
    }

    @Test
    void killedFetchLeavesNoCacheAndIsRetried() throws Exception {
        Path bin = Files.createDirectories(shared.resolve("slow-bin"));
        Path started = shared.resolve("slow-mvn-started");
        // Writes the CLI jar into the temporary folder, then hangs until killed.
        writeScript(bin.resolve("mvn"), """
                #!/bin/sh
                for a in "$@"; do
                  case "$a" in -DoutputDirectory=*) out=${a#-DoutputDirectory=};; esac
                done
                mkdir -p "$out" && : > "$out/jbang-cli-%s.jar"
                : > '%s'
                exec sleep 120
                """.formatted(VERSION, started));
        Path killCache = shared.resolve("killed-cache");
        Map<String, String> env = baseEnv(Files.createDirectories(shared.resolve("killed-home")), killCache);
        env.put("PATH", bin + File.pathSeparator + env.get("PATH"));

        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "--version").directory(ROOT.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!Files.exists(started) && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(started), "stub mvn did not start");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(1, TimeUnit.MINUTES);
        }
        assertFalse(Files.exists(killCache.resolve(VERSION)), "a killed fetch left a cache: " + listing(killCache));

        Path called = shared.resolve("retry-mvn-called");
        writeScript(bin.resolve("mvn"), "#!/bin/sh\n: > '" + called + "'\nexit 1\n");
        Result r = run(env, null, RUN_TIMEOUT_MINUTES, "--version");
        assertEquals(1, r.exitCode(), r.describe());
        assertTrue(Files.exists(called), "the next run must fetch again: " + r.describe());
        assertFalse(Files.exists(killCache.resolve(VERSION)), r.describe());
    }

    @Test
    void missingMavenIsReportedInOneLine() throws Exception {
        Path tools = toolsWithout("mvn-missing", "mvn");
        Map<String, String> env = baseEnv(Files.createDirectories(shared.resolve("no-mvn-home")),
                shared.resolve("no-mvn-cache"));
        env.put("PATH", tools.toString());
        Result r = run(env, null, RUN_TIMEOUT_MINUTES, "--version");

        assertEquals(1, r.exitCode(), r.describe());
        assertEquals(1, errorLines(r).size(), r.describe());
        assertTrue(errorLines(r).get(0).contains("Maven ('mvn') is not on PATH"), r.describe());
        assertEquals("", r.out(), r.describe());
    }

    @Test
    void missingJavaIsReportedInOneLine() throws Exception {
        Path tools = toolsWithout("java-missing", "java");
        Map<String, String> env = baseEnv(Files.createDirectories(shared.resolve("no-java-home")),
                shared.resolve("no-java-cache"));
        env.remove("JAVA_HOME");
        env.put("PATH", tools.toString());
        Result r = run(env, null, RUN_TIMEOUT_MINUTES, "--version");

        assertEquals(1, r.exitCode(), r.describe());
        assertEquals(1, errorLines(r).size(), r.describe());
        assertTrue(errorLines(r).get(0).contains("no Java found"), r.describe());

        env.put("JAVA_HOME", shared.resolve("not-a-jdk").toString());
        r = run(env, null, RUN_TIMEOUT_MINUTES, "--version");
        assertEquals(1, r.exitCode(), r.describe());
        assertEquals(1, errorLines(r).size(), r.describe());
        assertTrue(errorLines(r).get(0).contains("JAVA_HOME"), r.describe());
    }

    // --- helpers ---------------------------------------------------------------

    /** Current environment minus anything that points JBang, Maven or Java elsewhere. */
    static Map<String, String> baseEnv(Path home, Path cache) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("JBANG_") || k.startsWith("XDG_") || k.startsWith("MAVEN_")
                || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS") || k.equals("_JAVA_OPTIONS")
                || k.equals("CLICOLOR_FORCE"));
        env.put("HOME", home.toString());
        env.put("JAVA_TOOL_OPTIONS", "-Duser.home=" + home);
        env.put("JBANG_LAUNCHER_CACHE", cache.toString());
        // A developer's own JBang on PATH must not answer instead of the launcher.
        env.put("JBANG_LAUNCHER_NO_PATH", "1");
        return env;
    }

    /** A PATH folder with the commands the launcher uses, linked from PATH, except {@code missing}. */
    static Path toolsWithout(String name, String missing) throws IOException {
        Path dir = Files.createDirectories(shared.resolve(name));
        for (String tool : List.of("bash", "env", "dirname", "basename", "readlink", "head", "grep", "mkdir",
                "mktemp", "chmod", "find", "cat", "rm", "mv", "java", "mvn")) {
            if (tool.equals(missing)) {
                continue;
            }
            Path found = which(tool);
            if (found != null) {
                Files.createSymbolicLink(dir.resolve(tool), found);
            }
        }
        return dir;
    }

    static Path which(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(d.isEmpty() ? "." : d, tool);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p.toAbsolutePath();
            }
        }
        return null;
    }

    static List<String> errorLines(Result r) {
        return r.err().lines().filter(l -> l.contains("error:")).toList();
    }

    static void writeScript(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every path under {@code dir} with its size and modification time. */
    static List<String> listing(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            List<String> out = new ArrayList<>();
            for (Path p : s.sorted().collect(Collectors.toList())) {
                out.add(dir.relativize(p) + " " + (Files.isDirectory(p) ? "dir" : Files.size(p)) + " "
                        + Files.getLastModifiedTime(p).toMillis());
            }
            return out;
        }
    }

    static Result run(Map<String, String> env, String stdin, long timeoutMinutes, String... args)
            throws IOException, InterruptedException {
        return run(env, stdin, ROOT, timeoutMinutes, args);
    }

    static Result run(Map<String, String> env, String stdin, Path workDir, long timeoutMinutes, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(LAUNCHER.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(shared, "out", ".txt");
        Path err = Files.createTempFile(shared, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = pb.start();
        if (stdin != null) {
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd + "\n--- stderr\n" + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
