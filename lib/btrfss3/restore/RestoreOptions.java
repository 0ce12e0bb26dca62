package btrfss3.restore;

import btrfss3.crypto.Passphrase;
import btrfss3.s3.S3Settings;
import java.nio.file.Path;

/** Everything a restore run needs to know, as the command line gave it. */
public record RestoreOptions(
        Path privateKey,
        Passphrase passphrase,
        Path ageIdentities,
        String bucket,
        String prefix,
        String epoch,
        Path destination,
        boolean deletePrevious,
        S3Settings s3,
        boolean verbose,
        Long until,
        boolean withParents,
        Long only,
        Thawing thawing) {}
