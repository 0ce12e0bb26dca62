package btrfss3.testenv;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3 endpoint outside the test JVM (MinIO, Ceph RGW, AWS...), named by environment variables:
 * <ul>
 *   <li>BTRFSS3_TEST_S3_ENDPOINT: base URL, e.g. http://127.0.0.1:9000 (required; the rest only counts with it)</li>
 *   <li>BTRFSS3_TEST_S3_REGION: default us-east-1</li>
 *   <li>BTRFSS3_TEST_S3_ACCESS_KEY, BTRFSS3_TEST_S3_SECRET_KEY: admin credentials (required)</li>
 *   <li>BTRFSS3_TEST_S3_BACKUP_ACCESS_KEY, BTRFSS3_TEST_S3_BACKUP_SECRET_KEY: PutObject-only credentials (optional)</li>
 *   <li>BTRFSS3_TEST_S3_READONLY_ACCESS_KEY, BTRFSS3_TEST_S3_READONLY_SECRET_KEY: read-only credentials (optional)</li>
 *   <li>BTRFSS3_TEST_S3_APPENDONLY_ACCESS_KEY, BTRFSS3_TEST_S3_APPENDONLY_SECRET_KEY: Put+Get, no List/Delete (optional)</li>
 * </ul>
 * Buckets made with {@link #createBucket()} are emptied and deleted on {@link #close()}.
 */
public final class ExternalS3Endpoint implements S3Endpoint {
    public static final String PREFIX = "BTRFSS3_TEST_S3_";

    private final URI endpoint;
    private final String region;
    private final AwsBasicCredentials admin;
    private final AwsBasicCredentials backupOnly;
    private final AwsBasicCredentials readOnly;
    private final AwsBasicCredentials appendOnly;
    private final List<String> buckets = new ArrayList<>();

    public ExternalS3Endpoint(URI endpoint, String region, AwsBasicCredentials admin, AwsBasicCredentials backupOnly,
            AwsBasicCredentials readOnly, AwsBasicCredentials appendOnly) {
        this.endpoint = endpoint;
        this.region = region;
        this.admin = admin;
        this.backupOnly = backupOnly;
        this.readOnly = readOnly;
        this.appendOnly = appendOnly;
    }

    /** The endpoint described by the environment, or null when BTRFSS3_TEST_S3_ENDPOINT is not set. */
    public static ExternalS3Endpoint fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static ExternalS3Endpoint fromEnvironment(Map<String, String> env) {
        String url = env.get(PREFIX + "ENDPOINT");
        if (url == null || url.isBlank()) {
            return null;
        }
        AwsBasicCredentials admin = pair(env, "");
        if (admin == null) {
            throw new IllegalStateException(PREFIX + "ENDPOINT is set but " + PREFIX + "ACCESS_KEY and "
                    + PREFIX + "SECRET_KEY are not");
        }
        String region = env.getOrDefault(PREFIX + "REGION", "");
        return new ExternalS3Endpoint(URI.create(url.strip()), region.isBlank() ? "us-east-1" : region.strip(),
                admin, pair(env, "BACKUP_"), pair(env, "READONLY_"), pair(env, "APPENDONLY_"));
    }

    private static AwsBasicCredentials pair(Map<String, String> env, String kind) {
        String id = env.get(PREFIX + kind + "ACCESS_KEY");
        String secret = env.get(PREFIX + kind + "SECRET_KEY");
        if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
            return null;
        }
        return AwsBasicCredentials.create(id.strip(), secret.strip());
    }

    @Override public URI endpoint() { return endpoint; }
    @Override public String region() { return region; }
    @Override public AwsBasicCredentials admin() { return admin; }
    @Override public AwsBasicCredentials backupOnly() { return backupOnly; }
    @Override public AwsBasicCredentials readOnly() { return readOnly; }
    @Override public AwsBasicCredentials appendOnly() { return appendOnly; }

    @Override
    public synchronized void bucketCreated(String name) {
        buckets.add(name);
    }

    /** Empties and deletes the buckets made through createBucket. Never throws. */
    @Override
    public void close() {
        List<String> toDelete;
        synchronized (this) {
            toDelete = new ArrayList<>(buckets);
            buckets.clear();
        }
        if (toDelete.isEmpty()) {
            return;
        }
        try (S3Client s3 = client(admin)) {
            for (String bucket : toDelete) {
                try {
                    deleteBucket(s3, bucket);
                } catch (RuntimeException e) {
                    System.err.println("btrfss3 harness: cannot delete test bucket " + bucket + ": " + e);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("btrfss3 harness: cannot clean test buckets " + toDelete + ": " + e);
        }
    }

    static void deleteBucket(S3Client s3, String bucket) {
        s3.listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads().forEach(u ->
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId())));
        List<ObjectIdentifier> batch = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            batch.add(ObjectIdentifier.builder().key(o.key()).build());
            if (batch.size() == 1000) {
                List<ObjectIdentifier> keys = List.copyOf(batch);
                s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(keys).quiet(true)));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
        }
        s3.deleteBucket(b -> b.bucket(bucket));
    }

    @Override
    public String toString() {
        return "ExternalS3Endpoint[" + endpoint + ", " + region + "]";
    }
}
