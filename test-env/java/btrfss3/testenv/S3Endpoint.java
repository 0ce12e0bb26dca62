package btrfss3.testenv;

import java.net.URI;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 endpoint for tests: the embedded S3Proxy ({@link EmbeddedS3Proxy}), an external endpoint named by
 * environment variables ({@link ExternalS3Endpoint}), or LocalStack ({@link LocalStackS3Endpoint}).
 *
 * <p>Credential sets: {@link #admin()} may do everything; {@link #backupOnly()} may only write objects (PutObject and
 * the multipart upload calls), every List, Get, Head, Copy and Delete is refused with 403 AccessDenied, like an IAM
 * policy that grants s3:PutObject alone; {@link #readOnly()} may List, Get and Head, every write is refused with
 * 403 AccessDenied. External endpoints may have no backup-only or read-only credentials (null).
 */
public interface S3Endpoint extends AutoCloseable {
    /** Base URL, e.g. http://127.0.0.1:PORT; use it path-style. */
    URI endpoint();

    String region();

    AwsBasicCredentials admin();

    /** PutObject and multipart upload only (null when an external endpoint has none). */
    AwsBasicCredentials backupOnly();

    /** List, Get and Head only (null when an external endpoint has none). */
    AwsBasicCredentials readOnly();

    /**
     * Like backupOnly, but GetObject and HeadObject are allowed too (no List, no Delete, no Copy). As on AWS without
     * s3:ListBucket, Get or Head of a missing key answers 403 AccessDenied, not 404. Null when not available.
     */
    default AwsBasicCredentials appendOnly() {
        return null;
    }

    /** Creates a fresh bucket with a unique name using the admin credentials, returns its name. */
    default String createBucket() {
        String name = "btrfss3-test-" + Long.toString(System.currentTimeMillis(), 36) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try (S3Client s3 = client(admin())) {
            s3.createBucket(b -> b.bucket(name));
        }
        bucketCreated(name);
        return name;
    }

    /** Called after createBucket made a bucket (external endpoints remove their buckets on close). */
    default void bucketCreated(String name) {}

    /** A client for these credentials: path-style, region set, the endpoint overridden. Close it after use. */
    // Apache5HttpClient: the same HTTP client as lib/ uses
    default S3Client client(AwsBasicCredentials creds) {
        if (creds == null) {
            throw new IllegalArgumentException("no such credentials on this endpoint (" + endpoint() + ")");
        }
        HarnessLogging.init();
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.of(region()))
                .credentialsProvider(StaticCredentialsProvider.create(creds))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_SUPPORTED)
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }

    /**
     * The endpoint for a test: an external one when BTRFSS3_TEST_S3_ENDPOINT is set (see
     * {@link ExternalS3Endpoint}); LocalStack when BTRFSS3_TEST_S3_BACKEND=localstack (needs Docker); else a new
     * embedded S3Proxy with the in-memory backend on a free port of 127.0.0.1.
     */
    static S3Endpoint forTests() {
        S3Endpoint external = ExternalS3Endpoint.fromEnvironment();
        if (external != null) {
            return external;
        }
        if ("localstack".equalsIgnoreCase(String.valueOf(System.getenv("BTRFSS3_TEST_S3_BACKEND")).strip())) {
            return LocalStackS3Endpoint.start();
        }
        return EmbeddedS3Proxy.start(null, 0);
    }

    /** Stops the server (embedded) or removes the buckets created through createBucket (external). Never throws. */
    @Override
    void close();
}
