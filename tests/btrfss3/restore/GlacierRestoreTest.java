package btrfss3.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.BtrfsS3Test;
import btrfss3.support.Exec;
import btrfss3.support.Scripts;
import btrfss3.testenv.GlacierFront;
import btrfss3.testenv.GlacierFront.RestoreCall;
import btrfss3.testenv.TreeGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Restoring from DEEP_ARCHIVE through a real HTTP front that answers as S3 does for archived
 * objects (403 InvalidObjectState, x-amz-restore, RestoreObject): plan, request, wait, restore.
 */
class GlacierRestoreTest extends BtrfsS3Test {
    private GlacierFront front;

    @AfterEach
    void stopFront() {
        if (front != null) {
            front.close();
        }
    }

    private Exec.Result run(Scripts via, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("-k", keys.privateKey.toString(), "-p", "host", "-e", "cold"));
        all.addAll(List.of(args));
        return via.restore(s3.readOnly(), all.toArray(String[]::new));
    }

    @Test
    void archivedChunksArePlannedRequestedWaitedForAndRestored() throws IOException {
        TreeGenerator.generate(source, 1101, 1L << 20, 1L << 20);
        backup("cold", "-S", "256K", "-c", "DEEP_ARCHIVE");
        List<String> chunks = objects("host/cold/").stream().map(S3Object::key).filter(k -> k.matches(".*/x[a-z]+")).toList();
        assertTrue(chunks.size() >= 2, chunks.toString());
        front = GlacierFront.start(s3);
        Scripts via = scripts.via(front.endpoint());

        Exec.Result plan = run(via, "--thaw-plan");
        assertEquals(0, plan.exit(), plan.all());
        assertEquals(chunks.size(), plan.out().lines().filter(l -> l.contains("to thaw: ")).count(), plan.out());
        assertTrue(plan.out().contains("Bulk: DEEP_ARCHIVE within 48 hours"), plan.out());
        assertTrue(plan.out().contains("Expedited: not offered"), plan.out());
        assertEquals(List.of(), front.restoreRequests(), "a plan requests nothing");

        Exec.Result frozen = run(via, "-s", target.toString());
        assertEquals(4, frozen.exit(), frozen.all());
        assertTrue(frozen.stderr().contains("--thaw"), frozen.stderr());
        assertTrue(frozen.stderr().contains(chunks.get(0)), frozen.stderr());
        try (var s = Files.list(target)) {
            assertEquals(0, s.count(), "nothing is received before every chunk is readable");
        }

        Exec.Result expedited = run(via, "--thaw", "expedited");
        assertEquals(1, expedited.exit(), expedited.all());
        assertTrue(expedited.stderr().contains("DEEP_ARCHIVE"), expedited.stderr());
        assertEquals(List.of(), front.restoreRequests());

        Exec.Result request = run(via, "--thaw", "Bulk", "--thaw-days", "3");
        assertEquals(0, request.exit(), "a thaw-only run succeeds once S3 accepted every request: " + request.all());
        assertEquals(Set.copyOf(chunks), front.restoreRequests().stream().map(RestoreCall::key).collect(Collectors.toSet()),
                "every chunk, and only chunks (marker and manifest are STANDARD)");
        assertTrue(front.restoreRequests().stream().allMatch(c -> c.tier().equals("Bulk") && c.days() == 3 && c.status() == 202),
                front.restoreRequests().toString());

        Exec.Result notYet = run(via, "-s", target.toString(), "--thaw", "Bulk");
        assertEquals(4, notYet.exit(), notYet.all());
        assertTrue(notYet.stderr().contains("not every chunk is thawed yet"), notYet.stderr());

        front.completeThawsAfterHeads(2);
        Exec.Result restored = run(via, "-s", target.toString(), "--thaw", "Bulk", "--wait", "--wait-interval", "0", "-v");
        assertEquals(0, restored.exit(), restored.all());
        assertTrue(restored.out().contains("Every archived chunk is thawed"), restored.out());
        Path snapshot = snapshots("cold").get(0);
        assertSameTree(snapshot, target.resolve(snapshot.getFileName().toString()));

        Exec.Result verify = via.restore(s3.readOnly(), "--verify", "-k", keys.privateKey.toString(), "-p", "host",
                "-e", "cold");
        assertEquals(0, verify.exit(), verify.all());
        assertFalse(verify.stderr().contains("Exception"), verify.stderr());
    }
}
