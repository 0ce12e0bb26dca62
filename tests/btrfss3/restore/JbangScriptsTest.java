package btrfss3.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.testenv.TreeGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scripts as users run them: through JBang, with the dependencies JBang resolves from the
 * //DEPS lines (which can differ from Maven's). A good backup under cron prints nothing at all.
 */
class JbangScriptsTest extends BtrfsS3Test {
    private static final Path ROOT = Path.of(System.getProperty("project.root"));

    private Exec.Result jbang(String script, List<String> args, software.amazon.awssdk.auth.credentials.AwsBasicCredentials creds)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("jbang").toString(), "--quiet", script,
                "--endpoint-url", s3.endpoint().toString(), "-b", bucket));
        cmd.addAll(args);
        return Exec.run(cmd, null, scripts.env(creds), ROOT);
    }

    @Test
    void aBackupAndARestoreThroughJbangAreSilentAndRoundTrip() throws IOException {
        for (String script : List.of("backup.java", "restore.java")) {
            Exec.Result built = Exec.run(List.of(ROOT.resolve("jbang").toString(), "build", script), null, java.util.Map.of(), ROOT);
            assertEquals(0, built.exit(), built.all());
        }
        TreeGenerator.generate(source, 301, 2L << 20, 1L << 20);
        Exec.Result backup = jbang("backup.java", List.of("-k", keys.publicKey.toString(), "-p", "host", "-e", "e",
                "-c", "STANDARD", "-s", source.toString()), s3.backupOnly());
        assertEquals(0, backup.exit(), backup.all());
        assertEquals("", backup.all(), "a good backup prints nothing, so cron mails nothing");

        Exec.Result restored = jbang("restore.java", List.of("-k", keys.privateKey.toString(), "-p", "host", "-e", "e",
                "-s", target.toString()), s3.readOnly());
        assertEquals(0, restored.exit(), restored.all());
        assertEquals("", restored.stderr());
        Path snapshot = snapshots("e").get(0);
        assertEquals("Last snapshot successfully restored in: " + target.resolve(snapshot.getFileName().toString()),
                restored.out().strip());
        assertSameTree(snapshot, target.resolve(snapshot.getFileName().toString()));
    }
}
