///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -Xmx160m -Xmn16m -XX:MetaspaceSize=32m -XX:+UseSerialGC -XX:PretenureSizeThreshold=1m -XX:+UseTransparentHugePages -Xlog:pagesize=off -XX:+VerifySharedSpaces -Xlog:cds*=off --enable-native-access=ALL-UNNAMED
//CDS
//SOURCES lib/**/*.java

import btrfss3.Dependencies;
import btrfss3.backup.Backup;
import btrfss3.backup.BackupOptions;
import btrfss3.backup.BackupReport;
import btrfss3.cli.BucketOptions;
import btrfss3.cli.Cli;
import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.cli.Preconditions;
import btrfss3.cli.RunListener;
import btrfss3.cli.S3Options;
import btrfss3.layout.ChunkSize;
import btrfss3.report.ProgressDisplay;
import btrfss3.report.ReportOptions;
import btrfss3.report.RunReport;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true, version = "btrfs-send-to-s3 " + Dependencies.TOOL_VERSION,
        sortOptions = false,
        description = {"Back up a btrfs subvolume to S3 as a chain of incremental, encrypted `btrfs send` streams,",
            "in the openssl format (-k) or the age format (-r).",
            "",
            "Exit codes:",
            "  0  the backup is stored",
            "  1  usage error or precondition not met; nothing was changed",
            "  2  failed after the snapshot was taken; nothing was kept",
            "  3  btrfs is not installed",
            "  4  stored, but the previous snapshot could not be deleted (-d)",
            ""})
public class backup implements Callable<Integer>, RunListener {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Key key;

    static class Key {
        @Option(names = {"-k", "--public-key"}, paramLabel = "FILE", required = true,
                description = "openssl format: RSA public key (PEM) that encrypts each backup's session key.")
        Path publicKey;

        @Option(names = {"-r", "--recipients"}, paramLabel = "FILE", required = true,
                description = "age format: recipients file (age1... and post-quantum age1pq1... lines).")
        Path recipients;
    }

    @Mixin
    BucketOptions where;

    @Option(names = {"-e", "--epoch"}, paramLabel = "EPOCH", required = true,
            description = "Chain name. A new epoch starts with a full backup; later runs add increments.")
    String epoch;

    @Option(names = {"-c", "--storage-class"}, paramLabel = "CLASS", required = true,
            description = "S3 storage class of the chunks (STANDARD, STANDARD_IA, GLACIER, DEEP_ARCHIVE, ...).")
    String storageClass;

    @Option(names = {"-s", "--subvolume"}, paramLabel = "PATH", required = true, description = "Subvolume to back up.")
    Path subvolume;

    @Option(names = {"-S", "--chunk-size"}, paramLabel = "SIZE", defaultValue = "512M",
            description = "Size of each stored chunk, with K, M or G suffix (default: ${DEFAULT-VALUE}).")
    String chunkSize;

    @Option(names = {"-d", "--delete-previous"},
            description = "After success, delete the snapshot this backup was based on, if it belongs to this epoch.")
    boolean deletePrevious;

    @Option(names = {"-B", "--branch-from"}, paramLabel = "EPOCH",
            description = "Start a new epoch as an increment on the newest snapshot of this other epoch.")
    String branchEpoch;

    @Option(names = "--part-size", paramLabel = "SIZE", defaultValue = "8M",
            description = "Multipart upload part size (default: ${DEFAULT-VALUE}; grows if a chunk needs more than 10,000 parts).")
    String partSize;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "Parts uploaded at once (default: ${DEFAULT-VALUE}). Memory: about (N + 1) x part size + 150 MiB.")
    int parallel;

    @Option(names = "--object-lock-mode", paramLabel = "MODE",
            description = "S3 Object Lock retention for every object: GOVERNANCE or COMPLIANCE (bucket must have Object Lock).")
    ObjectLockMode objectLockMode;

    @Option(names = "--object-lock-days", paramLabel = "DAYS",
            description = "Days each object stays locked (with --object-lock-mode).")
    Integer objectLockDays;

    enum ObjectLockMode { GOVERNANCE, COMPLIANCE }

    @Option(names = {"-v", "--verbose"}, description = "Say what is being done (a good run is otherwise silent).")
    boolean verbose;

    @Mixin
    S3Options s3;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() {
        // Exit 4 is a stored backup whose old snapshot stayed: the data is safe, so it counts as a success.
        RunReport run = report.begin("backup", Set.of(ExitCode.OK, ExitCode.PARTIAL))
                .label("bucket", where.bucket).label("prefix", where.prefix).label("epoch", epoch)
                .label("subvolume", subvolume.toString());
        BackupReport backupReport = new BackupReport(run);
        try (ProgressDisplay progress = report.start()) {
            Preconditions.requireRoot();
            if ((objectLockMode == null) != (objectLockDays == null) || objectLockDays != null && objectLockDays < 1) {
                throw Failure.usage("--object-lock-mode and --object-lock-days (at least 1) go together");
            }
            var lock = objectLockMode == null ? null : new BackupOptions.ObjectLock(objectLockMode.name(), objectLockDays);
            var options = new BackupOptions(key.publicKey, key.recipients, where.bucket, where.prefix, epoch, storageClass, subvolume,
                    ChunkSize.parse(chunkSize), deletePrevious, branchEpoch, s3.settings(),
                    ChunkSize.parse(partSize), Math.max(1, parallel), lock, verbose);
            return new Backup(options, report.log(verbose), Clock.systemUTC(), backupReport).run();
        }
    }

    @Override
    public void runEnded(int exitCode, String error) {
        report.end(exitCode, error);
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new backup(), args));
    }
}
