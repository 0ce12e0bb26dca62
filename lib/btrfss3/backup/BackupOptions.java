package btrfss3.backup;

import btrfss3.s3.S3Settings;
import java.nio.file.Path;

/** Everything a backup run needs to know, as the command line gave it. */
public record BackupOptions(
        Path publicKey,
        Path ageRecipients,
        String bucket,
        String prefix,
        String epoch,
        String storageClass,
        Path subvolume,
        long chunkSize,
        boolean deletePrevious,
        String branchEpoch,
        S3Settings s3,
        long partSize,
        int partsInFlight,
        ObjectLock objectLock,
        boolean verbose) {

    /** S3 Object Lock retention for every object of the backup, or null for none. */
    public record ObjectLock(String mode, int days) {}
}
