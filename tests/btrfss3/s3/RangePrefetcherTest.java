package btrfss3.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.support.ProxiedS3Test;
import btrfss3.testenv.FaultProxy.Action;
import btrfss3.testenv.FaultProxy.Match;
import btrfss3.testenv.FaultRule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

@Timeout(120)
class RangePrefetcherTest extends ProxiedS3Test {
    private static final int RANGE = 64 * 1024;

    /** Through the proxy, configured like {@link S3Clients} for an S3-compatible endpoint. */
    private S3Client client(Duration socketTimeout, int attempts) {
        S3Client c = S3Client.builder()
                .endpointOverride(proxy.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(s3.admin()))
                .httpClientBuilder(Apache5HttpClient.builder().maxConnections(8).socketTimeout(socketTimeout))
                .overrideConfiguration(o -> o.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(attempts).build()))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
        clients.add(c);
        return c;
    }

    private S3Client client() {
        return client(Duration.ofSeconds(30), S3Clients.MAX_ATTEMPTS);
    }

    private record Stored(RangePrefetcher.Item item, byte[] data) {}

    private static List<Stored> store(String name, int... sizes) {
        List<Stored> stored = new ArrayList<>();
        Random random = new Random(name.hashCode());
        String prefix = "rp/" + name + "-" + Long.toHexString(random.nextLong()) + "/";
        for (int i = 0; i < sizes.length; i++) {
            byte[] data = new byte[sizes[i]];
            random.nextBytes(data);
            String key = prefix + "x" + (char) ('a' + i);
            direct.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
            stored.add(new Stored(new RangePrefetcher.Item(key, data.length), data));
        }
        return stored;
    }

    private static List<RangePrefetcher.Item> items(List<Stored> stored) {
        return stored.stream().map(Stored::item).toList();
    }

    /** Reads every item in order, in reads of odd sizes, and checks each one's bytes. */
    private static void readAll(RangePrefetcher p, List<Stored> stored) throws IOException {
        byte[] buf = new byte[7777];
        for (int i = 0; i < stored.size(); i++) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try (InputStream in = p.open(i)) {
                for (int n; (n = in.read(buf, 0, 1 + (i * 997 + got.size()) % buf.length)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            }
            assertArrayEquals(stored.get(i).data(), got.toByteArray(), stored.get(i).item().key());
        }
    }

    @Test
    void objectsArriveWholeInOrderWithBoundedBuffers() throws IOException {
        List<Stored> stored = store("order", 5 * RANGE + 123, 0, RANGE, 1, 3 * RANGE, RANGE - 1, 2 * RANGE + 1);
        try (RangePrefetcher p = new RangePrefetcher(client(), bucket, items(stored), RANGE, 3)) {
            readAll(p, stored);
            assertTrue(p.buffersAllocated() <= 4, "at most window + 1 buffers: " + p.buffersAllocated());
        }
    }

    @Test
    void buffersAreNoLargerThanTheLargestRange() throws IOException {
        List<Stored> stored = store("small", 1000, 3000, 2000);
        try (RangePrefetcher p = new RangePrefetcher(client(), bucket, items(stored), 8 << 20, 4)) {
            readAll(p, stored);
            assertEquals(3000, p.bufferSize());
        }
    }

    @Test
    void aResetMidBodyFetchesTheWholeRangeAgain() throws IOException {
        List<Stored> stored = store("reset", 4 * RANGE, 3 * RANGE);
        String key = stored.get(1).item().key();
        FaultRule rule = proxy.when(Match.request("GET", ".*/" + key)
                        .and(Match.header("Range", r -> r != null && r.startsWith("bytes=" + RANGE + "-"))))
                .then(Action.resetMidResponse(5000)).times(2);
        try (RangePrefetcher p = new RangePrefetcher(client(), bucket, items(stored), RANGE, 2)) {
            readAll(p, stored);
        }
        assertEquals(2, rule.hits());
        long gets = proxy.requests().stream()
                .filter(r -> r.method().equals("GET") && r.path().endsWith(key)).count();
        assertEquals(3 + 2, gets, "three ranges, one of them twice more: " + proxy.requests());
    }

    @Test
    void aStalledResponseTimesOutAndIsFetchedAgain() throws IOException {
        List<Stored> stored = store("stall", 2 * RANGE + 10);
        FaultRule rule = proxy.when(Match.request("GET", ".*/" + stored.get(0).item().key())
                .and(Match.header("Range", r -> r != null && r.startsWith("bytes=" + RANGE + "-")))).then(Action.stall()).times(1);
        try (RangePrefetcher p = new RangePrefetcher(client(Duration.ofSeconds(1), 3), bucket, items(stored), RANGE, 2)) {
            readAll(p, stored);
        }
        assertEquals(1, rule.hits());
    }

    @Test
    void aBodyThatKeepsBreakingFailsNamingTheObject() throws IOException {
        List<Stored> stored = store("broken", 2 * RANGE);
        String key = stored.get(0).item().key();
        proxy.when(Match.request("GET", ".*/" + key)).then(Action.resetMidResponse(1000));
        try (RangePrefetcher p = new RangePrefetcher(client(Duration.ofSeconds(30), 2), bucket, items(stored), RANGE, 2)) {
            IOException e = assertThrows(IOException.class, () -> p.open(0).readAllBytes());
            assertTrue(e.getMessage().contains(key), e::getMessage);
        }
    }

    @Test
    void anObjectOfAnotherSizeThanListedFailsAtOnce() throws IOException {
        List<Stored> stored = store("size", 2 * RANGE + 5);
        RangePrefetcher.Item real = stored.get(0).item();
        for (long listed : new long[] {real.size() - 5, real.size() + 7, 3 * RANGE}) {
            proxy.clearRules();
            List<RangePrefetcher.Item> items = List.of(new RangePrefetcher.Item(real.key(), listed));
            try (RangePrefetcher p = new RangePrefetcher(client(), bucket, items, RANGE, 2)) {
                IOException e = assertThrows(IOException.class, () -> p.open(0).readAllBytes());
                assertTrue(e.getMessage().contains(real.key()) && e.getMessage().contains("changed"), e::getMessage);
            }
        }
        long gets = proxy.requests().stream().filter(r -> r.method().equals("GET")).count();
        assertTrue(gets <= 3 * 3, "not retried: " + proxy.requests());
    }

    @Test
    void closingMidDownloadBreaksOffWhatIsOnItsWay() throws Exception {
        List<Stored> stored = store("close", 6 * RANGE);
        FaultRule stall = proxy.when(Match.request("GET", ".*/" + stored.get(0).item().key())
                .and(Match.header("Range", r -> r != null && !r.startsWith("bytes=0-")))).then(Action.stall());
        RangePrefetcher p = new RangePrefetcher(client(Duration.ofSeconds(60), 2), bucket, items(stored), RANGE, 3);
        InputStream in = p.open(0);
        assertEquals(RANGE, in.readNBytes(RANGE).length);
        stall.awaitHit(Duration.ofSeconds(20));
        long start = System.nanoTime();
        p.close();
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
        assertThrows(IOException.class, () -> in.read(new byte[10]));
    }
}
