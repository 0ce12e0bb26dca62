package btrfss3.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.support.Jdks;
import btrfss3.testenv.TreeGenerator;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * The scripts as users run them: through JBang, with the dependencies JBang resolves from the
 * //DEPS lines (which can differ from Maven's), and JBang's class-data sharing (//CDS): the first
 * run of a script records the classes it loaded into an archive that later runs map. A good backup
 * under cron prints nothing at all, whether it records the archive, uses it, or finds it damaged,
 * on every JDK installed here (the one running the tests, and those under /usr/lib/jvm).
 */
class JbangScriptsTest extends BtrfsS3Test {
    private static final Path ROOT = Path.of(System.getProperty("project.root"));

    @TempDir
    Path jbangCache;

    static List<Jdks.Jdk> jdks() throws IOException {
        return Jdks.installed();
    }

    private Exec.Result jbang(Jdks.Jdk jdk, List<String> args, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("jbang").toString()));
        cmd.addAll(args);
        Map<String, String> all = new HashMap<>(env);
        // A cache of its own: the archives start absent, and the test can find them.
        all.put("JBANG_CACHE_DIR", jbangCache.toString());
        // JBang runs a script with the JDK of JAVA_HOME when it is new enough (//JAVA 17+).
        all.put("JAVA_HOME", jdk.home().toString());
        return Exec.run(cmd, null, all, ROOT);
    }

    private Exec.Result script(Jdks.Jdk jdk, String script, List<String> args, AwsBasicCredentials creds) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("--quiet", script, "--endpoint-url", s3.endpoint().toString(), "-b", bucket));
        cmd.addAll(args);
        return jbang(jdk, cmd, scripts.env(creds));
    }

    private Path archive(String name) throws IOException {
        try (Stream<Path> files = Files.walk(jbangCache)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().equals(name)).toList();
            assertEquals(1, found.size(), "one " + name + " in JBang's cache: " + found);
            return found.get(0);
        }
    }

    /**
     * JDK 24 and later are the ones that warn. The machine's image decides which JDKs there are, so
     * a missing one is reported as skipped rather than failing every other change.
     */
    @Test
    void aJdkOf24OrLaterIsTried() throws IOException {
        assumeTrue(jdks().stream().anyMatch(j -> j.feature() >= 24),
                "no JDK 24+ among " + jdks() + ": the scripts' silence on it goes untested");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void backupsAndARestoreThroughJbangAreSilentAndRoundTripWithTheClassArchiveNewUsedOrDamaged(Jdks.Jdk jdk)
            throws IOException {
        for (String script : List.of("backup.java", "restore.java")) {
            Exec.Result built = jbang(jdk, List.of("build", script), Map.of());
            assertEquals(0, built.exit(), built.all());
        }
        TreeGenerator.generate(source, 301, 2L << 20, 1L << 20);
        List<String> backupArgs = List.of("-k", keys.publicKey.toString(), "-p", "host", "-e", "e", "-c", "STANDARD",
                "-s", source.toString());
        for (String run : List.of("records the class archive", "uses it", "finds it damaged")) {
            if (run.equals("finds it damaged")) {
                // What a crash while it was written, or two first runs at once, could leave
                try (RandomAccessFile jsa = new RandomAccessFile(archive("backup.jsa").toFile(), "rw")) {
                    jsa.seek(jsa.length() / 2);
                    jsa.write(new byte[4096]);
                }
            }
            Exec.Result backup = script(jdk, "backup.java", backupArgs, s3.backupOnly());
            assertEquals(0, backup.exit(), run + ": " + backup.all());
            assertEquals("", backup.all(), "a good backup prints nothing, so cron mails nothing (" + run + ")");
            archive("backup.jsa");
            TreeGenerator.mutate(source, run.length());
            nextSecond();
        }

        Exec.Result restored = script(jdk, "restore.java", List.of("-k", keys.privateKey.toString(), "-p", "host", "-e", "e",
                "-s", target.toString()), s3.readOnly());
        assertEquals(0, restored.exit(), restored.all());
        assertEquals("", restored.stderr());
        archive("restore.jsa");
        List<Path> snapshots = snapshots("e");
        assertEquals(3, snapshots.size());
        Path last = snapshots.get(snapshots.size() - 1);
        assertEquals("Last snapshot successfully restored in: " + target.resolve(last.getFileName().toString()),
                restored.out().strip());
        assertSameTree(last, target.resolve(last.getFileName().toString()));
    }
}
