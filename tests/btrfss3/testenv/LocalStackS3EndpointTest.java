package btrfss3.testenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** Runs only where a Docker engine is available; elsewhere JUnit reports it as disabled, with the reason. */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackS3EndpointTest {
    private static LocalStackS3Endpoint localstack;

    @BeforeAll
    static void start() {
        localstack = LocalStackS3Endpoint.start();
    }

    @AfterAll
    static void stop() {
        if (localstack != null) {
            localstack.close();
        }
    }

    @Test
    void storesObjectsAndKeepsTheMultipartStorageClass() {
        assertNull(localstack.backupOnly());
        assertNull(localstack.readOnly());
        String bucket = localstack.createBucket();
        try (S3Client s3 = localstack.client(localstack.admin())) {
            s3.putObject(r -> r.bucket(bucket).key("k").ifNoneMatch("*"), RequestBody.fromString("v"));
            assertEquals("v", s3.getObjectAsBytes(r -> r.bucket(bucket).key("k")).asUtf8String());
            S3Exception e = assertThrows(S3Exception.class, () ->
                    s3.putObject(r -> r.bucket(bucket).key("k").ifNoneMatch("*"), RequestBody.fromString("w")));
            assertEquals(412, e.statusCode());

            String id = s3.createMultipartUpload(r -> r.bucket(bucket).key("m").storageClass(StorageClass.GLACIER))
                    .uploadId();
            String etag = s3.uploadPart(r -> r.bucket(bucket).key("m").uploadId(id).partNumber(1),
                    RequestBody.fromString("part")).eTag();
            s3.completeMultipartUpload(r -> r.bucket(bucket).key("m").uploadId(id)
                    .multipartUpload(m -> m.parts(List.of(CompletedPart.builder().partNumber(1).eTag(etag).build()))));
            assertEquals(StorageClass.GLACIER, s3.headObject(r -> r.bucket(bucket).key("m")).storageClass());
        }
    }
}
