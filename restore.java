///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -Xmx128m -XX:MetaspaceSize=32m -XX:+UseSerialGC -XX:PretenureSizeThreshold=1m -XX:+UseTransparentHugePages -Xlog:pagesize=off -XX:+VerifySharedSpaces -Xlog:cds*=off --enable-native-access=ALL-UNNAMED
//CDS
//SOURCES lib/**/*.java

import btrfss3.Dependencies;
import btrfss3.cli.BucketOptions;
import btrfss3.cli.Cli;
import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.cli.Log;
import btrfss3.cli.Preconditions;
import btrfss3.cli.RunListener;
import btrfss3.cli.S3Options;
import btrfss3.crypto.Passphrase;
import btrfss3.restore.ListEpochs;
import btrfss3.report.ProgressDisplay;
import btrfss3.report.ReportOptions;
import btrfss3.report.RunReport;
import btrfss3.restore.Restore;
import btrfss3.restore.RestoreOptions;
import btrfss3.restore.RestoreReport;
import btrfss3.restore.Thawing;
import btrfss3.s3.ThawTier;
import btrfss3.restore.Until;
import btrfss3.restore.Verify;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore", mixinStandardHelpOptions = true, version = "btrfs-send-to-s3 " + Dependencies.TOOL_VERSION,
        sortOptions = false,
        description = {"Restore an epoch of btrfs-send-to-s3 backups into a btrfs filesystem, oldest first;",
            "or check it without btrfs (--verify), or list what a bucket holds (--list).",
            "",
            "Exit codes:",
            "  0  every backup restored (--verify: every backup checks out)",
            "  1  usage error, listing failed, no backup found, wrong key",
            "  2  a backup did not restore (--verify: is damaged); the last good snapshot is kept",
            "  3  btrfs is not installed",
            "  4  chunks are in GLACIER/DEEP_ARCHIVE and are not thawed yet (see --thaw)",
            ""})
public class restore implements Callable<Integer>, RunListener {
    @Option(names = {"-k", "--private-key"}, paramLabel = "FILE",
            description = "openssl format: RSA private key (PEM: PKCS#8 or PKCS#1, encrypted or not).")
    Path privateKey;

    @Option(names = {"-i", "--identity"}, paramLabel = "FILE",
            description = "age format: identity file (AGE-SECRET-KEY-1... and AGE-SECRET-KEY-PQ-1... lines).")
    Path identity;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read the private key's passphrase from the first line of FILE.")
    Path passphraseFile;

    @Option(names = "--passphrase-env", paramLabel = "VAR",
            description = "Read the private key's passphrase from environment variable VAR.")
    String passphraseEnv;

    @Mixin
    BucketOptions where;

    @Option(names = {"-e", "--epoch"}, paramLabel = "EPOCH",
            description = "Epoch to restore or verify (with --list: only this one).")
    String epoch;

    @Option(names = {"-s", "--destination"}, paramLabel = "DIR",
            description = "Directory on a btrfs filesystem that receives the snapshots (not with --verify or --list).")
    Path destination;

    @Option(names = "--verify",
            description = "Download and check every backup of the epoch (stream, chain, manifest hashes); writes nothing, needs no btrfs or root.")
    boolean verify;

    @Option(names = "--list",
            description = "List the epochs under the prefix and their backups; with a key, also what their manifests say.")
    boolean list;

    @Option(names = "--until", paramLabel = "TIME|SEQ",
            description = "Only backups up to this time: a SEQ (Unix seconds) or ISO 8601 (2026-11-26T10:00:00Z; a date includes the whole day, UTC).")
    String until;

    @Option(names = "--with-parents",
            description = "If the epoch was branched (-B), first restore the epoch it branched from, up to the branch point (needs manifests).")
    boolean withParents;

    @Option(names = "--only", paramLabel = "SEQ", description = "With --verify: check only the backup with this SEQ.")
    Long only;

    @Option(names = "--thaw", paramLabel = "TIER",
            description = "Request a thaw of every GLACIER/DEEP_ARCHIVE chunk the run needs: Expedited, Standard or Bulk. Without -s the run only requests.")
    String thawTier;

    @Option(names = "--thaw-days", paramLabel = "DAYS", defaultValue = "7",
            description = "Days S3 keeps the thawed copies (default: ${DEFAULT-VALUE}); long enough to finish the restore.")
    int thawDays;

    @Option(names = "--wait", description = "With --thaw: wait until every chunk is thawed (checking with backoff), then go on.")
    boolean waitForThaw;

    @Option(names = "--wait-interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "First pause between thaw checks with --wait; it doubles up to 30 minutes (default: ${DEFAULT-VALUE}).")
    long waitInterval;

    @Option(names = "--thaw-plan", description = "Show which chunks are archived, their size and the expected thaw time per tier; request nothing.")
    boolean thawPlan;

    @Option(names = {"-d", "--delete-previous"},
            description = "After each increment is received, delete the snapshot it was based on (keep only the newest).")
    boolean deletePrevious;

    @Option(names = {"-v", "--verbose"}, description = "Say what is being done.")
    boolean verbose;

    @Mixin
    S3Options s3;

    @Mixin
    ReportOptions report;

    @Override
    public Integer call() {
        if (list) {
            // The listing is the output: no run summary, no metrics.
            refuse(report.prometheusFile() != null, "--list writes no metrics: leave out --prometheus-file");
            return new ListEpochs(options(), report.json(), Log.standard(verbose), System.out).run();
        }
        RunReport run = report.begin(verify ? "verify" : "restore", Set.of(ExitCode.OK))
                .label("bucket", where.bucket).label("prefix", where.prefix).label("epoch", epoch)
                .label("destination", destination == null ? null : destination.toString());
        RestoreReport restoreReport = new RestoreReport(run);
        try (ProgressDisplay progress = report.start()) {
            RestoreOptions options = options();
            if (verify) {
                return new Verify(options, report.log(verbose), restoreReport).run();
            }
            if (destination != null) {
                Preconditions.requireRoot();
            }
            return new Restore(options, report.log(verbose), restoreReport).run();
        }
    }

    @Override
    public void runEnded(int exitCode, String error) {
        report.end(exitCode, error);
    }

    /** Checks how the options combine, then gathers them. */
    private RestoreOptions options() {
        if (verify && list) {
            throw Failure.usage("--verify and --list are separate runs");
        }
        String mode = verify ? "--verify" : list ? "--list" : null;
        if (mode != null) {
            refuse(destination != null, mode + " writes nothing: leave out -s");
            refuse(deletePrevious, mode + " deletes nothing: leave out -d");
            refuse(withParents, "--with-parents is for a restore");
        } else {
            refuse(destination == null && thawTier == null && !thawPlan,
                    "missing option -s/--destination (or use --verify, --list, --thaw or --thaw-plan)");
            refuse(only != null, "--only is for --verify");
        }
        refuse(list && (thawTier != null || thawPlan), "--list reads no chunk: leave out --thaw and --thaw-plan");
        refuse(waitForThaw && thawTier == null, "--wait goes with --thaw TIER");
        refuse(thawPlan && (waitForThaw || destination != null), "--thaw-plan only shows the plan: leave out --wait and -s");
        refuse(thawDays < 1, "--thaw-days must be at least 1");
        refuse(waitInterval < 0, "--wait-interval must not be negative");
        var thawing = new Thawing(thawTier == null ? null : ThawTier.parse(thawTier), thawDays, waitForThaw, thawPlan,
                Duration.ofSeconds(waitInterval));
        refuse(epoch == null && !list, "missing option -e/--epoch");
        refuse(list && (until != null || only != null), "--list shows every backup: leave out --until and --only");
        return new RestoreOptions(privateKey, new Passphrase(passphraseFile, passphraseEnv), identity, where.bucket,
                where.prefix, epoch, destination, deletePrevious, s3.settings(), verbose,
                until == null ? null : Until.parse(until), withParents, only, thawing);
    }

    private static void refuse(boolean condition, String message) {
        if (condition) {
            throw Failure.usage(message);
        }
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new restore(), args));
    }
}
