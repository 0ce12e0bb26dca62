package btrfss3.testenv;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The two S3 calls test-env/try-it needs besides the tool itself, so that no AWS CLI is required. Credentials come
 * from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; path-style addressing, no flexible checksums.
 *
 * <pre>
 *   mb ENDPOINT REGION BUCKET            create the bucket
 *   ls ENDPOINT REGION BUCKET [PREFIX]   list the objects (size in bytes, storage class, key), then the chunks
 *                                        and bytes of each backup folder and the totals
 * </pre>
 *
 * Exit status: 0 done, 1 S3 refused, 2 usage.
 */
public final class TryItS3 {
    private TryItS3() {}

    public static void main(String[] args) {
        if (args.length < 4 || !(args[0].equals("mb") && args.length == 4 || args[0].equals("ls") && args.length <= 5)) {
            System.err.println("usage: TryItS3 mb ENDPOINT REGION BUCKET | ls ENDPOINT REGION BUCKET [PREFIX]");
            System.exit(2);
        }
        HarnessLogging.init();
        int code;
        try (S3Client s3 = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder())
                .endpointOverride(URI.create(args[1]))
                .region(Region.of(args[2]))
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build()) {
            if (args[0].equals("mb")) {
                s3.createBucket(b -> b.bucket(args[3]));
            } else {
                list(s3, args[3], args.length == 5 ? args[4] : null);
            }
            code = 0;
        } catch (S3Exception e) {
            System.err.println("TryItS3: " + args[0] + " " + args[3] + ": " + e.statusCode() + " "
                    + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode()));
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }

    private static void list(S3Client s3, String bucket, String prefix) {
        long objects = 0;
        long bytes = 0;
        long chunks = 0;
        Map<String, long[]> folders = new TreeMap<>(); // folder -> chunks, bytes
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build();
        for (S3Object o : s3.listObjectsV2Paginator(request).contents()) {
            String storageClass = o.storageClassAsString() == null ? "-" : o.storageClassAsString();
            System.out.printf(Locale.ROOT, "%12d  %-12s %s%n", o.size(), storageClass, o.key());
            objects++;
            bytes += o.size();
            int slash = o.key().lastIndexOf('/');
            long[] folder = folders.computeIfAbsent(o.key().substring(0, slash + 1), k -> new long[2]);
            folder[1] += o.size();
            if (o.key().substring(slash + 1).matches("x[a-z]+")) { // chunk names as in ChunkNames
                chunks++;
                folder[0]++;
            }
        }
        for (Map.Entry<String, long[]> f : folders.entrySet()) {
            System.out.printf(Locale.ROOT, "%s: %d chunk(s), %d bytes%n", f.getKey(), f.getValue()[0], f.getValue()[1]);
        }
        System.out.printf(Locale.ROOT, "total: %d objects, %d chunks, %d bytes%n", objects, chunks, bytes);
    }
}
