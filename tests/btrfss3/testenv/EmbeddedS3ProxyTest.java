package btrfss3.testenv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.StorageClass;

class EmbeddedS3ProxyTest {
    private static final int PART = 5 * 1024 * 1024;
    private static EmbeddedS3Proxy s3proxy;

    @BeforeAll
    static void start() {
        s3proxy = EmbeddedS3Proxy.start(null, 0);
    }

    @AfterAll
    static void stop() {
        if (s3proxy != null) {
            s3proxy.close();
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Uploads key in two parts (5 MiB + tail), returns nothing; storageClass may be null. */
    private static void multipart(S3Client s3, String bucket, String key, StorageClass storageClass, String ifNoneMatch,
            byte[] data) {
        String id = s3.createMultipartUpload(r -> r.bucket(bucket).key(key).storageClass(storageClass)
                .metadata(Map.of("chain", "c1"))).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int off = 0, n = 1; off < data.length; off += PART, n++) {
            int partNo = n;
            byte[] chunk = java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + PART));
            String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(id).partNumber(partNo),
                    RequestBody.fromBytes(chunk)).eTag();
            parts.add(CompletedPart.builder().partNumber(partNo).eTag(etag).build());
        }
        s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id).ifNoneMatch(ifNoneMatch)
                .multipartUpload(m -> m.parts(parts)));
    }

    private static S3Exception assertS3Error(int status, String code, Executable call) {
        S3Exception e = assertThrows(S3Exception.class, call);
        assertEquals(status, e.statusCode(), () -> "status of " + e);
        if (code != null) {
            assertNotNull(e.awsErrorDetails(), () -> "error details of " + e);
            assertEquals(code, e.awsErrorDetails().errorCode(), () -> "error code of " + e);
        }
        return e;
    }

    private static void assertDenied(Executable call) {
        assertS3Error(403, "AccessDenied", call);
    }

    @Test
    void multipartUploadKeepsStorageClassAndMetadata() {
        String bucket = s3proxy.createBucket();
        byte[] data = bytes(PART + 1234, 1);
        try (S3Client s3 = s3proxy.client(s3proxy.admin())) {
            multipart(s3, bucket, "chain/0001.full", StorageClass.GLACIER, null, data);
            HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key("chain/0001.full"));
            assertEquals(StorageClass.GLACIER, head.storageClass());
            assertEquals("c1", head.metadata().get("chain"));
            assertEquals(data.length, head.contentLength());
            assertTrue(head.eTag().endsWith("-2\""), () -> "multipart ETag: " + head.eTag());
            assertArrayEquals(data, s3.getObjectAsBytes(r -> r.bucket(bucket).key("chain/0001.full")).asByteArray());
            S3Object listed = s3.listObjectsV2(r -> r.bucket(bucket)).contents().get(0);
            assertEquals("GLACIER", listed.storageClassAsString());

            multipart(s3, bucket, "standard", null, null, bytes(100, 2));
            HeadObjectResponse plain = s3.headObject(r -> r.bucket(bucket).key("standard"));
            assertTrue(plain.storageClass() == null || plain.storageClass() == StorageClass.STANDARD,
                    () -> "storage class " + plain.storageClass());

            s3.putObject(r -> r.bucket(bucket).key("single").storageClass(StorageClass.DEEP_ARCHIVE),
                    RequestBody.fromString("x"));
            assertEquals(StorageClass.DEEP_ARCHIVE, s3.headObject(r -> r.bucket(bucket).key("single")).storageClass());
        }
    }

    @Test
    void ifNoneMatchRefusesExistingKeyWith412() {
        String bucket = s3proxy.createBucket();
        try (S3Client s3 = s3proxy.client(s3proxy.admin())) {
            s3.putObject(r -> r.bucket(bucket).key("k").ifNoneMatch("*"), RequestBody.fromString("first"));
            assertS3Error(412, "PreconditionFailed", () ->
                    s3.putObject(r -> r.bucket(bucket).key("k").ifNoneMatch("*"), RequestBody.fromString("second")));
            assertEquals("first", s3.getObjectAsBytes(r -> r.bucket(bucket).key("k")).asUtf8String());

            multipart(s3, bucket, "m", null, "*", bytes(10, 3));
            assertS3Error(412, "PreconditionFailed", () -> multipart(s3, bucket, "m", null, "*", bytes(20, 4)));
            assertEquals(10, s3.headObject(r -> r.bucket(bucket).key("m")).contentLength());
        }
        try (S3Client backup = s3proxy.client(s3proxy.backupOnly())) {
            // The PutObject-only credentials get the same answers: the existence check is part of PutObject.
            backup.putObject(r -> r.bucket(bucket).key("b").ifNoneMatch("*"), RequestBody.fromString("1"));
            assertS3Error(412, "PreconditionFailed", () ->
                    backup.putObject(r -> r.bucket(bucket).key("b").ifNoneMatch("*"), RequestBody.fromString("2")));
        }
    }

    @Test
    void backupOnlyMayWriteButNotListReadOrDelete() {
        String bucket = s3proxy.createBucket();
        try (S3Client admin = s3proxy.client(s3proxy.admin());
                S3Client s3 = s3proxy.client(s3proxy.backupOnly())) {
            s3.putObject(r -> r.bucket(bucket).key("a"), RequestBody.fromString("data"));
            multipart(s3, bucket, "big", StorageClass.GLACIER, null, bytes(PART + 1, 5));
            String aborted = s3.createMultipartUpload(r -> r.bucket(bucket).key("gone")).uploadId();
            s3.abortMultipartUpload(r -> r.bucket(bucket).key("gone").uploadId(aborted));
            assertEquals(List.of("a", "big"),
                    admin.listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList());
            assertEquals(StorageClass.GLACIER, admin.headObject(r -> r.bucket(bucket).key("big")).storageClass());

            assertDenied(() -> s3.listObjectsV2(r -> r.bucket(bucket)));
            assertDenied(() -> s3.listObjects(r -> r.bucket(bucket)));
            assertDenied(() -> s3.listBuckets());
            assertDenied(() -> s3.listMultipartUploads(r -> r.bucket(bucket)));
            assertDenied(() -> s3.listObjectVersions(r -> r.bucket(bucket)));
            assertDenied(() -> s3.deleteObject(r -> r.bucket(bucket).key("a")));
            assertDenied(() -> s3.deleteObjects(r -> r.bucket(bucket)
                    .delete(d -> d.objects(ObjectIdentifier.builder().key("a").build()))));
            assertDenied(() -> s3.getObjectAsBytes(r -> r.bucket(bucket).key("a")));
            // A HEAD response has no body, so only the status tells (as with AWS).
            assertS3Error(403, null, () -> s3.headObject(r -> r.bucket(bucket).key("a")));
            assertDenied(() -> s3.copyObject(r -> r.sourceBucket(bucket).sourceKey("a")
                    .destinationBucket(bucket).destinationKey("copy")));
            assertDenied(() -> s3.deleteBucket(r -> r.bucket(bucket)));
            assertDenied(() -> s3.createBucket(r -> r.bucket(bucket + "-other")));
            // Nothing was deleted or copied.
            assertEquals(List.of("a", "big"),
                    admin.listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList());
        }
    }

    @Test
    void readOnlyMayListAndReadButNotWrite() {
        String bucket = s3proxy.createBucket();
        try (S3Client admin = s3proxy.client(s3proxy.admin());
                S3Client s3 = s3proxy.client(s3proxy.readOnly())) {
            admin.putObject(r -> r.bucket(bucket).key("a"), RequestBody.fromString("data"));
            assertEquals(1, s3.listObjectsV2(r -> r.bucket(bucket)).keyCount());
            assertEquals(1, s3.listObjects(r -> r.bucket(bucket)).contents().size());
            assertTrue(s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket)));
            assertEquals("data", s3.getObjectAsBytes(r -> r.bucket(bucket).key("a")).asUtf8String());
            assertEquals(4, s3.headObject(r -> r.bucket(bucket).key("a")).contentLength());
            assertS3Error(404, null, () -> s3.headObject(r -> r.bucket(bucket).key("missing")));

            assertDenied(() -> s3.putObject(r -> r.bucket(bucket).key("b"), RequestBody.fromString("x")));
            assertDenied(() -> s3.putObject(r -> r.bucket(bucket).key("a"), RequestBody.fromString("x")));
            assertDenied(() -> s3.createMultipartUpload(r -> r.bucket(bucket).key("m")));
            assertDenied(() -> s3.deleteObject(r -> r.bucket(bucket).key("a")));
            assertDenied(() -> s3.deleteObjects(r -> r.bucket(bucket)
                    .delete(d -> d.objects(ObjectIdentifier.builder().key("a").build()))));
            assertDenied(() -> s3.copyObject(r -> r.sourceBucket(bucket).sourceKey("a")
                    .destinationBucket(bucket).destinationKey("copy")));
            assertDenied(() -> s3.createBucket(r -> r.bucket(bucket + "-ro")));
            assertEquals(List.of("a"),
                    admin.listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList());
            assertEquals("data", admin.getObjectAsBytes(r -> r.bucket(bucket).key("a")).asUtf8String());
        }
    }

    @Test
    void appendOnlyMayReadWhatExistsButNotProbeListOrDelete() {
        String bucket = s3proxy.createBucket();
        try (S3Client s3 = s3proxy.client(s3proxy.appendOnly())) {
            s3.putObject(r -> r.bucket(bucket).key("a"), RequestBody.fromString("data"));
            assertEquals("data", s3.getObjectAsBytes(r -> r.bucket(bucket).key("a")).asUtf8String());
            assertEquals(4, s3.headObject(r -> r.bucket(bucket).key("a")).contentLength());
            // Without s3:ListBucket, AWS answers 403 for a missing key; so does the harness.
            assertDenied(() -> s3.getObjectAsBytes(r -> r.bucket(bucket).key("missing")));
            assertS3Error(403, null, () -> s3.headObject(r -> r.bucket(bucket).key("missing")));
            assertDenied(() -> s3.listObjectsV2(r -> r.bucket(bucket)));
            assertDenied(() -> s3.deleteObject(r -> r.bucket(bucket).key("a")));
        }
    }

    @Test
    void unknownOrWrongCredentialsAreRefused() {
        String bucket = s3proxy.createBucket();
        try (S3Client s3 = s3proxy.client(AwsBasicCredentials.create("nobody", "nothing"))) {
            assertS3Error(403, "InvalidAccessKeyId", () -> s3.listObjectsV2(r -> r.bucket(bucket)));
        }
        AwsBasicCredentials wrongSecret = AwsBasicCredentials.create(s3proxy.admin().accessKeyId(), "wrong");
        try (S3Client s3 = s3proxy.client(wrongSecret)) {
            assertS3Error(403, "SignatureDoesNotMatch", () -> s3.listObjectsV2(r -> r.bucket(bucket)));
        }
    }

    @Test
    void servesRealHttpToOtherProcesses() throws Exception {
        String bucket = s3proxy.createBucket();
        try (S3Client s3 = s3proxy.client(s3proxy.admin())) {
            s3.putObject(r -> r.bucket(bucket).key("hello.txt"), RequestBody.fromString("hello from s3proxy"));
        }
        String url = s3proxy.endpoint() + "/" + bucket + "/hello.txt";
        assertTrue(url.startsWith("http://127.0.0.1:"), url);
        Proc.Result anonymous = Proc.run(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url), 30);
        assertEquals("403", anonymous.stdout().strip(), anonymous.describe());
        AwsBasicCredentials a = s3proxy.admin();
        Proc.Result signed = Proc.run(List.of("curl", "-s", "-f", "--aws-sigv4", "aws:amz:us-east-1:s3",
                "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD",
                "--user", a.accessKeyId() + ":" + a.secretAccessKey(), url), 30);
        assertEquals("hello from s3proxy", signed.stdout(), signed.describe());
    }

    @Test
    void filesystemBackendPersistsAcrossRestartsAndCompletesMultipart(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("s3data");
        byte[] content = bytes(PART + 77, 6);
        String bucket;
        try (EmbeddedS3Proxy fs = EmbeddedS3Proxy.start(data, 0)) {
            assertTrue(fs.baseDir().isAbsolute());
            bucket = fs.createBucket();
            try (S3Client s3 = fs.client(fs.admin())) {
                multipart(s3, bucket, "dir/object", StorageClass.GLACIER, null, content);
            }
        }
        assertTrue(Files.isDirectory(data.resolve(bucket)), "bucket folder on disk");
        try (EmbeddedS3Proxy again = EmbeddedS3Proxy.start(data, 0); S3Client s3 = again.client(again.admin())) {
            assertArrayEquals(content, s3.getObjectAsBytes(r -> r.bucket(bucket).key("dir/object")).asByteArray());
            assertEquals(StorageClass.GLACIER, s3.headObject(r -> r.bucket(bucket).key("dir/object")).storageClass());
        }
    }

    @Test
    void fixedPortAndEndpointSelection() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (EmbeddedS3Proxy fixed = EmbeddedS3Proxy.start(null, port)) {
            assertEquals(port, fixed.endpoint().getPort());
            assertEquals(port, fixed.port());
            String bucket = fixed.createBucket();
            try (S3Client s3 = fixed.client(fixed.admin())) {
                assertTrue(s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket)));
            }
            // The external endpoint, pointed at this server by environment variables, cleans its buckets on close.
            ExternalS3Endpoint external = ExternalS3Endpoint.fromEnvironment(Map.of(
                    "BTRFSS3_TEST_S3_ENDPOINT", fixed.endpoint().toString(),
                    "BTRFSS3_TEST_S3_ACCESS_KEY", fixed.admin().accessKeyId(),
                    "BTRFSS3_TEST_S3_SECRET_KEY", fixed.admin().secretAccessKey(),
                    "BTRFSS3_TEST_S3_READONLY_ACCESS_KEY", fixed.readOnly().accessKeyId(),
                    "BTRFSS3_TEST_S3_READONLY_SECRET_KEY", fixed.readOnly().secretAccessKey()));
            assertNotNull(external);
            assertNull(external.backupOnly());
            assertEquals(fixed.readOnly(), external.readOnly());
            String extBucket = external.createBucket();
            try (S3Client s3 = external.client(external.admin())) {
                s3.putObject(r -> r.bucket(extBucket).key("x"), RequestBody.fromString("x"));
                multipart(s3, extBucket, "pending", null, null, bytes(10, 7)); // completed
                s3.createMultipartUpload(r -> r.bucket(extBucket).key("open"));  // left open
            }
            external.close();
            try (S3Client s3 = fixed.client(fixed.admin())) {
                assertTrue(s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(extBucket)));
            }
        }
        assertNull(ExternalS3Endpoint.fromEnvironment(Map.of()));
        assertThrows(IllegalStateException.class, () -> ExternalS3Endpoint.fromEnvironment(
                Map.of("BTRFSS3_TEST_S3_ENDPOINT", "http://127.0.0.1:1")));
    }

    @Test
    void forTestsGivesAWorkingEndpoint() {
        try (S3Endpoint ep = S3Endpoint.forTests(); S3Client s3 = ep.client(ep.admin())) {
            String bucket = ep.createBucket();
            s3.putObject(r -> r.bucket(bucket).key("k"), RequestBody.fromBytes("v".getBytes(StandardCharsets.UTF_8)));
            assertEquals("v", s3.getObjectAsBytes(r -> r.bucket(bucket).key("k")).asUtf8String());
        }
    }
}
