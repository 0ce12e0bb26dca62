package btrfss3.restore;

import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.s3.S3Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Chunks in GLACIER or DEEP_ARCHIVE must be thawed before anything is read: exit 4 lists them. */
final class Archive {
    private static final Set<String> ARCHIVED = Set.of("GLACIER", "DEEP_ARCHIVE");

    private Archive() {}

    static void requireReadable(S3Client s3, String bucket, List<S3Object> chunks) {
        List<String> frozen = new ArrayList<>();
        long frozenBytes = 0;
        for (S3Object o : chunks) {
            String cls = o.storageClassAsString();
            if (cls == null || !ARCHIVED.contains(cls)) {
                continue;
            }
            HeadObjectResponse head;
            try {
                head = s3.headObject(r -> r.bucket(bucket).key(o.key()));
            } catch (SdkException e) {
                throw Failure.failed("could not check " + o.key() + ": " + S3Errors.describe(e));
            }
            String restore = head.restore();
            if (restore == null || !restore.contains("ongoing-request=\"false\"")) {
                frozen.add(o.key() + " (" + cls + (restore != null ? ", thaw in progress" : "") + ")");
                frozenBytes += o.size();
            }
        }
        if (!frozen.isEmpty()) {
            throw new Failure(ExitCode.PARTIAL, frozen.size() + " chunk(s), " + frozenBytes
                    + " bytes, are archived and must be restored (thawed) first; see the README's Glacier section: "
                    + String.join(", ", frozen));
        }
    }
}
