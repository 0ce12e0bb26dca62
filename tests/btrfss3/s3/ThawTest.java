package btrfss3.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.s3.ThawPlan.Item;
import btrfss3.s3.ThawPlan.State;
import btrfss3.support.TestClock;
import btrfss3.testenv.EmbeddedS3Proxy;
import btrfss3.testenv.FaultProxy.Action;
import btrfss3.testenv.FaultProxy.Match;
import btrfss3.testenv.FaultProxy.Request;
import btrfss3.testenv.GlacierFront;
import btrfss3.testenv.GlacierFront.RestoreCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.Tier;

/** Thaw against the test S3 server behind a GlacierFront, over HTTP with the SDK. */
@Timeout(120)
class ThawTest {
    private static EmbeddedS3Proxy s3;
    private static String bucket;

    private GlacierFront front;
    private S3Client reader;
    private String prefix;
    private final FakeTime time = new FakeTime();

    /** A clock that moves only when slept on. */
    private static final class FakeTime extends TestClock implements Thaw.Sleeper {
        final List<Duration> sleeps = new ArrayList<>();

        FakeTime() {
            super(Instant.parse("2030-01-01T00:00:00Z"));
        }

        @Override
        public void sleep(Duration d) {
            sleeps.add(d);
            advance(d);
        }
    }

    @BeforeAll
    static void startS3() {
        s3 = EmbeddedS3Proxy.start(null, 0);
        bucket = s3.createBucket();
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void startFront() {
        front = GlacierFront.start(s3);
        reader = front.client(front.readOnly()); // restore runs with read-only credentials
        prefix = "thaw-" + Long.toHexString(new Random().nextLong()) + "/";
    }

    @AfterEach
    void stopFront() {
        reader.close();
        front.close();
    }

    private void put(String name, StorageClass cls, int size) {
        try (S3Client admin = s3.client(s3.admin())) {
            admin.putObject(b -> b.bucket(bucket).key(prefix + name).storageClass(cls),
                    RequestBody.fromBytes(new byte[size]));
        }
    }

    private List<S3Object> listed() {
        return reader.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)).contents();
    }

    private Thaw thaw(S3Client client) {
        return new Thaw(client, bucket, time, time);
    }

    private void restoreElsewhere(String name) {
        reader.restoreObject(b -> b.bucket(bucket).key(prefix + name)
                .restoreRequest(r -> r.days(1).glacierJobParameters(g -> g.tier(Tier.BULK))));
    }

    private List<Request> heads() {
        return front.proxy().requests().stream().filter(r -> r.method().equals("HEAD")).toList();
    }

    private Map<String, State> states(ThawPlan plan) {
        Map<String, State> m = new java.util.TreeMap<>();
        plan.items().forEach(i -> m.put(i.key().substring(prefix.length()), i.state()));
        return m;
    }

    @Test
    void theRestoreHeaderTellsTheState() {
        assertEquals(State.ARCHIVED, Thaw.stateOf(null));
        assertEquals(State.THAWING, Thaw.stateOf("ongoing-request=\"true\""));
        assertEquals(State.AVAILABLE,
                Thaw.stateOf("ongoing-request=\"false\", expiry-date=\"Fri, 21 Dec 2012 00:00:00 GMT\""));
        assertThrows(Failure.class, () -> Thaw.stateOf("something else"));
    }

    @Test
    void checkClassifiesAndAsksOnlyAboutArchivedObjects() {
        put("a-standard", StorageClass.STANDARD, 10);
        put("b-instant", StorageClass.GLACIER_IR, 20);
        put("c-glacier", StorageClass.GLACIER, 30);
        put("d-deep", StorageClass.DEEP_ARCHIVE, 40);
        put("e-thawed", StorageClass.GLACIER, 50);
        restoreElsewhere("d-deep");
        restoreElsewhere("e-thawed");
        front.thaw(bucket, prefix + "e-thawed");
        int headsBefore = heads().size();

        ThawPlan plan = thaw(reader).check(listed());
        assertEquals(Map.of("a-standard", State.AVAILABLE, "b-instant", State.AVAILABLE, "c-glacier", State.ARCHIVED,
                "d-deep", State.THAWING, "e-thawed", State.AVAILABLE), states(plan));
        assertEquals(List.of("GLACIER_IR", "GLACIER"),
                plan.items().subList(1, 3).stream().map(Item::storageClass).toList());
        assertEquals(30, plan.total(State.ARCHIVED).bytes());
        List<String> headed = heads().subList(headsBefore, heads().size()).stream()
                .map(r -> r.decodedPath().substring(r.decodedPath().lastIndexOf('/') + 1)).toList();
        assertEquals(List.of("c-glacier", "d-deep", "e-thawed"), headed);
    }

    @Test
    void requestAsksForEveryArchivedChunkWithTheTierAndDays() {
        put("x1", StorageClass.GLACIER, 10);
        put("x2", StorageClass.DEEP_ARCHIVE, 20);
        put("x3", StorageClass.STANDARD, 30);
        Thaw thaw = thaw(reader);
        ThawPlan plan = thaw.check(listed());
        List<Item> requested = thaw.request(plan, ThawTier.parse("bulk"), 7);
        assertEquals(List.of(prefix + "x1", prefix + "x2"), requested.stream().map(Item::key).toList());
        assertTrue(requested.stream().allMatch(i -> i.state() == State.THAWING), requested::toString);
        assertEquals(List.of(new RestoreCall(bucket, prefix + "x1", "Bulk", 7, 202),
                new RestoreCall(bucket, prefix + "x2", "Bulk", 7, 202)), front.restoreRequests());
        assertEquals(Map.of("x1", State.THAWING, "x2", State.THAWING, "x3", State.AVAILABLE),
                states(thaw.check(listed())));

        // Nothing is archived any more: a second request asks nothing.
        assertEquals(List.of(), thaw.request(thaw.check(listed()), ThawTier.STANDARD, 7));
        assertEquals(2, front.restoreRequests().size());
    }

    @Test
    void aThawAlreadyInProgressOrDoneIsFine() {
        put("busy", StorageClass.GLACIER, 10);
        put("done", StorageClass.GLACIER, 10);
        put("new", StorageClass.GLACIER, 10);
        Thaw thaw = thaw(reader);
        ThawPlan plan = thaw.check(listed());
        // Requested by someone else after the check: S3 answers 409, then 200.
        restoreElsewhere("busy");
        restoreElsewhere("done");
        front.thaw(bucket, prefix + "done");
        List<Item> requested = thaw.request(plan, ThawTier.STANDARD, 2);
        assertEquals(List.of(State.THAWING, State.AVAILABLE, State.THAWING),
                requested.stream().map(Item::state).toList());
        assertEquals(List.of(202, 202, 409, 200, 202),
                front.restoreRequests().stream().map(RestoreCall::status).toList());
    }

    @Test
    void expeditedIsRefusedForDeepArchiveBeforeAnythingIsAsked() {
        put("glacier", StorageClass.GLACIER, 10);
        put("deep", StorageClass.DEEP_ARCHIVE, 10);
        Thaw thaw = thaw(reader);
        ThawPlan plan = thaw.check(listed());
        Failure f = assertThrows(Failure.class, () -> thaw.request(plan, ThawTier.EXPEDITED, 1));
        assertEquals(ExitCode.USAGE, f.exitCode());
        assertTrue(f.getMessage().contains("Expedited tier is not offered for DEEP_ARCHIVE"), f.getMessage());
        assertTrue(f.getMessage().contains(prefix + "deep"), f.getMessage());
        assertEquals(List.of(), front.restoreRequests());
        assertThrows(Failure.class, () -> thaw.request(plan, ThawTier.STANDARD, 0));
    }

    @Test
    void aRefusedRequestNamesTheKeyAndS3sReason() {
        put("a", StorageClass.GLACIER, 10);
        put("b", StorageClass.GLACIER, 10);
        Thaw thaw = thaw(reader);
        ThawPlan plan = thaw.check(listed());
        try (S3Client admin = s3.client(s3.admin())) {
            admin.deleteObject(b -> b.bucket(bucket).key(prefix + "b"));
        }
        Failure f = assertThrows(Failure.class, () -> thaw.request(plan, ThawTier.BULK, 1));
        assertEquals(ExitCode.FAILED, f.exitCode());
        assertEquals("could not request the thaw of " + prefix + "b (GLACIER, Bulk): HTTP 404 NoSuchKey; the thaws of "
                + "1 chunk(s) were requested before it, a new run asks only for the others", f.getMessage());
    }

    @Test
    void waitingPollsWithDoublingIntervalsUntilTheThawCompletes() {
        put("slow", StorageClass.DEEP_ARCHIVE, 100);
        put("ready", StorageClass.STANDARD, 100);
        Thaw thaw = thaw(reader);
        ThawPlan plan = thaw.check(listed());
        plan = plan.with(thaw.request(plan, ThawTier.STANDARD, 1));
        front.completeThawsAfterHeads(3);
        int headsBefore = heads().size();
        List<Thaw.Progress> rounds = new ArrayList<>();
        ThawPlan done = thaw.waitUntilAvailable(plan, Duration.ofSeconds(1), rounds::add);

        assertTrue(done.allAvailable(), done::summary);
        assertEquals(3, heads().size() - headsBefore, "only the thawing chunk is checked, once a round");
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), time.sleeps);
        assertEquals(List.of(1, 2, 3), rounds.stream().map(Thaw.Progress::round).toList());
        assertEquals(List.of(1, 1, 0), rounds.stream().map(p -> p.plan().total(State.THAWING).count()).toList());
        assertEquals(List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(3)),
                rounds.stream().map(Thaw.Progress::waited).toList());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ZERO),
                rounds.stream().map(Thaw.Progress::nextCheck).toList());
        rounds.forEach(p -> assertNull(p.problem()));
    }

    @Test
    void theIntervalStopsGrowingAtHalfAnHour() {
        put("slow", StorageClass.GLACIER, 1);
        Thaw thaw = thaw(reader);
        ThawPlan plan = thaw.check(listed());
        plan = plan.with(thaw.request(plan, ThawTier.BULK, 1));
        front.completeThawsAfterHeads(6);
        thaw.waitUntilAvailable(plan, Duration.ofMinutes(10), p -> {});
        assertEquals(List.of(Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(30),
                Duration.ofMinutes(30), Duration.ofMinutes(30)), time.sleeps);

        time.sleeps.clear();
        put("zero", StorageClass.GLACIER, 1);
        ThawPlan again = thaw.check(listed());
        again = again.with(thaw.request(again, ThawTier.BULK, 1));
        front.completeThawsAfterHeads(2);
        thaw.waitUntilAvailable(again, Duration.ZERO, p -> {});
        assertEquals(List.of(Duration.ZERO), time.sleeps);
    }

    @Test
    void waitingForAChunkNobodyAskedToThawEndsAtOnce() {
        put("forgotten", StorageClass.DEEP_ARCHIVE, 1);
        put("asked", StorageClass.GLACIER, 1);
        restoreElsewhere("asked");
        Thaw thaw = thaw(reader);
        ThawPlan plan = thaw.check(listed());
        Failure f = assertThrows(Failure.class, () -> thaw.waitUntilAvailable(plan, Duration.ofHours(1), p -> {}));
        assertEquals(ExitCode.PARTIAL, f.exitCode());
        assertTrue(f.getMessage().contains(prefix + "forgotten (DEEP_ARCHIVE)"), f.getMessage());
        assertTrue(f.getMessage().contains("request their thaw first"), f.getMessage());
        assertEquals(List.of(), time.sleeps);
    }

    @Test
    void aFailedCheckIsReportedAndTheWaitGoesOn() {
        put("flaky", StorageClass.GLACIER, 1);
        S3Client noRetries = S3Client.builder().endpointOverride(front.endpoint()).forcePathStyle(true)
                .region(Region.of(front.region()))
                .credentialsProvider(StaticCredentialsProvider.create(front.readOnly()))
                .httpClientBuilder(Apache5HttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        try (noRetries) {
            Thaw thaw = thaw(noRetries);
            ThawPlan plan = thaw.check(listed());
            plan = plan.with(thaw.request(plan, ThawTier.STANDARD, 1));
            front.proxy().when(Match.request("HEAD", ".*/flaky")).then(Action.respond(503, "SlowDown")).times(1);
            front.completeThawsAfterHeads(1);
            List<Thaw.Progress> rounds = new ArrayList<>();
            assertTrue(thaw.waitUntilAvailable(plan, Duration.ofSeconds(5), rounds::add).allAvailable());
            assertEquals(2, rounds.size());
            // HEAD errors have no body, so no S3 error code either.
            assertEquals("could not check " + prefix + "flaky: HTTP 503", rounds.get(0).problem());
            assertNull(rounds.get(1).problem());

            front.proxy().when(Match.request("HEAD", ".*/flaky")).then(Action.respond(403, "AccessDenied"));
            ThawPlan stale = plan; // says THAWING: checked again, and S3's refusal ends the wait
            Failure f = assertThrows(Failure.class, () -> thaw.waitUntilAvailable(stale, Duration.ZERO, p -> {}));
            assertTrue(f.getMessage().startsWith("could not check " + prefix + "flaky: HTTP 403"),
                    f.getMessage());
        }
    }
}
