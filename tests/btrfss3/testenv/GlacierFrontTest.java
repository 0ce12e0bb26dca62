package btrfss3.testenv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.testenv.FaultProxy.Action;
import btrfss3.testenv.FaultProxy.Match;
import btrfss3.testenv.FaultProxy.Request;
import btrfss3.testenv.GlacierFront.RestoreCall;
import btrfss3.testenv.GlacierFront.ThawState;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.Tier;

@Timeout(120)
class GlacierFrontTest {
    private static final int PART = 5 * 1024 * 1024;

    private static EmbeddedS3Proxy s3;
    private static String bucket;

    private GlacierFront front;
    private S3Client admin;
    private S3Client reader;

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
        admin = front.client(front.admin());
        reader = front.client(front.readOnly());
    }

    @AfterEach
    void stopFront() {
        admin.close();
        reader.close();
        front.close();
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String key(String name) {
        return "gf/" + name + "-" + Long.toHexString(new Random().nextLong());
    }

    private void put(String key, StorageClass cls, byte[] data) {
        admin.putObject(b -> b.bucket(bucket).key(key).storageClass(cls), RequestBody.fromBytes(data));
    }

    private static S3Exception s3Error(int status, String code, Executable call) {
        S3Exception e = assertThrows(S3Exception.class, call::run);
        assertEquals(status, e.statusCode(), e::toString);
        assertEquals(code, e.awsErrorDetails().errorCode(), e::toString);
        return e;
    }

    private interface Executable {
        void run() throws Throwable;
    }

    private int restore(S3Client client, String key, Tier tier, int days) {
        return client.restoreObject(b -> b.bucket(bucket).key(key)
                .restoreRequest(r -> r.days(days).glacierJobParameters(g -> g.tier(tier))))
                .sdkHttpResponse().statusCode();
    }

    private String restoreHeader(String key) {
        return reader.headObject(b -> b.bucket(bucket).key(key)).restore();
    }

    private byte[] get(String key) {
        return reader.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    @Test
    void anArchivedObjectIsReadOnlyOnceThawed() {
        String key = key("glacier");
        byte[] data = bytes(100_000, 1);
        put(key, StorageClass.GLACIER, data);
        // The server itself keeps and reports the class, in listings and HEAD.
        S3Object listed = reader.listObjectsV2(b -> b.bucket(bucket).prefix(key)).contents().get(0);
        assertEquals("GLACIER", listed.storageClassAsString());
        HeadObjectResponse head = reader.headObject(b -> b.bucket(bucket).key(key));
        assertEquals(StorageClass.GLACIER, head.storageClass());
        assertEquals(data.length, head.contentLength());
        assertNull(head.restore());

        S3Exception frozen = s3Error(403, "InvalidObjectState", () -> get(key));
        assertTrue(frozen.getMessage().contains("storage class"), frozen::getMessage);
        assertEquals(ThawState.ARCHIVED, front.state(bucket, key));

        assertEquals(202, restore(reader, key, Tier.BULK, 3), "read-only credentials may ask for a thaw");
        assertEquals("ongoing-request=\"true\"", restoreHeader(key));
        assertEquals(ThawState.THAWING, front.state(bucket, key));
        s3Error(403, "InvalidObjectState", () -> get(key));
        s3Error(409, "RestoreAlreadyInProgress", () -> restore(reader, key, Tier.STANDARD, 3));

        front.thawAll();
        String done = restoreHeader(key);
        assertTrue(done.matches("ongoing-request=\"false\", expiry-date=\"\\w{3}, \\d{2} \\w{3} \\d{4} 00:00:00 GMT\""),
                done);
        assertArrayEquals(data, get(key));
        assertEquals(done, reader.getObject(b -> b.bucket(bucket).key(key)).response().restore());
        assertEquals(200, restore(reader, key, Tier.BULK, 5), "a thawed object: the copy is kept longer");
        assertEquals(ThawState.THAWED, front.state(bucket, key));

        assertEquals(List.of(new RestoreCall(bucket, key, "Bulk", 3, 202),
                new RestoreCall(bucket, key, "Standard", 3, 409),
                new RestoreCall(bucket, key, "Bulk", 5, 200)), front.restoreRequests());
        List<Request> posts = front.proxy().requests().stream().filter(r -> r.method().equals("POST")).toList();
        assertEquals(3, posts.size());
        posts.forEach(r -> assertEquals("answered by the proxy", r.outcome(), r::toString));
    }

    @Test
    void objectsInOtherClassesAreUntouched() {
        for (StorageClass cls : new StorageClass[] {StorageClass.STANDARD, StorageClass.GLACIER_IR,
                StorageClass.STANDARD_IA}) {
            String key = key(cls.toString());
            byte[] data = bytes(1000, 2);
            put(key, cls, data);
            assertArrayEquals(data, get(key), cls::toString);
            assertNull(restoreHeader(key), cls::toString);
            s3Error(403, "InvalidObjectState", () -> restore(reader, key, Tier.STANDARD, 1));
            assertEquals(ThawState.ARCHIVED, front.state(bucket, key));
        }
        s3Error(404, "NoSuchKey", () -> restore(reader, key("missing"), Tier.STANDARD, 1));
        assertEquals(List.of(403, 403, 403, 404), front.restoreRequests().stream().map(RestoreCall::status).toList());
        assertTrue(front.proxy().requests().stream().filter(r -> !r.method().equals("POST"))
                .allMatch(r -> r.outcome().equals("forward")), () -> front.proxy().requests().toString());
    }

    @Test
    void deepArchiveHasNoExpeditedTier() {
        String key = key("deep");
        put(key, StorageClass.DEEP_ARCHIVE, bytes(10, 3));
        s3Error(400, "InvalidArgument", () -> restore(reader, key, Tier.EXPEDITED, 1));
        assertEquals(ThawState.ARCHIVED, front.state(bucket, key));
        assertEquals(202, restore(reader, key, Tier.STANDARD, 1));
    }

    @Test
    void aThawCompletesOnTheNthHead() {
        String key = key("polled");
        byte[] data = bytes(5000, 4);
        put(key, StorageClass.DEEP_ARCHIVE, data);
        front.completeThawsAfterHeads(3);
        restoreHeader(key); // HEADs before the request do not count
        assertEquals(202, restore(reader, key, Tier.BULK, 1));
        s3Error(403, "InvalidObjectState", () -> get(key)); // nor do GETs
        assertEquals("ongoing-request=\"true\"", restoreHeader(key));
        assertEquals("ongoing-request=\"true\"", restoreHeader(key));
        assertTrue(restoreHeader(key).startsWith("ongoing-request=\"false\""));
        assertArrayEquals(data, get(key));

        String instant = key("instant");
        put(instant, StorageClass.GLACIER, data);
        front.completeThawsAfterHeads(0);
        assertEquals(202, restore(reader, instant, Tier.EXPEDITED, 1));
        assertTrue(restoreHeader(instant).startsWith("ongoing-request=\"false\""));
    }

    @Test
    void rangesOfAMultipartObjectAreRefusedUntilThawed() {
        String key = key("multipart");
        byte[] whole = bytes(PART + 1000, 5);
        String id = admin.createMultipartUpload(b -> b.bucket(bucket).key(key).storageClass(StorageClass.GLACIER))
                .uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int n = 1, off = 0; off < whole.length; n++, off += PART) {
            int number = n;
            byte[] part = Arrays.copyOfRange(whole, off, Math.min(whole.length, off + PART));
            String etag = admin.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(number),
                    RequestBody.fromBytes(part)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        admin.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
        Executable range = () -> reader.getObjectAsBytes(b -> b.bucket(bucket).key(key).range("bytes=100-4194403"));
        s3Error(403, "InvalidObjectState", range);
        s3Error(403, "InvalidObjectState", range); // the dropped body left the connection usable
        restore(admin, key, Tier.EXPEDITED, 1);
        front.thaw(bucket, key);
        byte[] got = reader.getObjectAsBytes(b -> b.bucket(bucket).key(key).range("bytes=100-4194403")).asByteArray();
        assertArrayEquals(Arrays.copyOfRange(whole, 100, 4194404), got);
        assertThrows(IllegalStateException.class, () -> front.thaw(bucket, key("never-requested")));
    }

    @Test
    void faultRulesComeFirst() {
        String key = key("fault");
        put(key, StorageClass.GLACIER, bytes(10, 6));
        front.proxy().when(Match.request("POST", ".*/" + key + "\\?restore.*"))
                .then(Action.respond(503, "SlowDown")).times(1);
        assertEquals(202, restore(reader, key, Tier.BULK, 1), "retried by the SDK after the injected 503");
        List<Request> posts = front.proxy().requests().stream().filter(r -> r.method().equals("POST")).toList();
        assertEquals(List.of(503, 202), posts.stream().map(Request::status).toList(), posts::toString);
        assertEquals(1, front.restoreRequests().size());
    }

    /** Reads one Content-Length framed response head and body. */
    private static String readResponse(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, () -> "connection closed after " + head);
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void aChunkedRestoreRequestAfter100ContinueKeepsTheConnection() throws Exception {
        String key = key("raw");
        put(key, StorageClass.GLACIER, bytes(10, 7));
        String xml = "<RestoreRequest><Days>2</Days><GlacierJobParameters><Tier>Standard</Tier>"
                + "</GlacierJobParameters></RestoreRequest>";
        String chunked = Integer.toHexString(10) + "\r\n" + xml.substring(0, 10) + "\r\n"
                + Integer.toHexString(xml.length() - 10) + "\r\n" + xml.substring(10) + "\r\n0\r\n\r\n";
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), front.proxy().port())) {
            c.setSoTimeout(20_000);
            OutputStream out = c.getOutputStream();
            InputStream in = c.getInputStream();
            out.write(("POST /" + bucket + "/" + key + "?restore HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String proceed = readResponse(in);
            assertTrue(proceed.startsWith("HTTP/1.1 100 "), proceed);
            out.write(chunked.getBytes(StandardCharsets.ISO_8859_1));
            String accepted = readResponse(in);
            assertTrue(accepted.startsWith("HTTP/1.1 202 Accepted\r\n"), accepted);
            out.write(("POST /" + bucket + "/" + key + "?restore HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + xml.length() + "\r\n\r\n" + xml).getBytes(StandardCharsets.ISO_8859_1));
            String conflict = readResponse(in);
            assertTrue(conflict.startsWith("HTTP/1.1 409 "), conflict);
            assertTrue(conflict.contains("<Code>RestoreAlreadyInProgress</Code>"), conflict);
        }
        assertEquals(List.of(new RestoreCall(bucket, key, "Standard", 2, 202),
                new RestoreCall(bucket, key, "Standard", 2, 409)), front.restoreRequests());
        assertEquals(1, front.proxy().requests().stream().filter(r -> r.method().equals("POST"))
                .mapToInt(Request::connection).distinct().count(), "one connection for both");
    }
}
