package btrfss3.cli;

import picocli.CommandLine.Option;

/** Where the backups are: the same two options, with the same meaning, in both scripts. */
public final class BucketOptions {
    @Option(names = {"-b", "--bucket"}, paramLabel = "BUCKET", required = true, description = "S3 bucket.")
    public String bucket;

    @Option(names = {"-p", "--prefix"}, paramLabel = "PREFIX", required = true,
            description = "Key prefix in the bucket, e.g. the machine's name (no leading or trailing '/').")
    public String prefix;
}
