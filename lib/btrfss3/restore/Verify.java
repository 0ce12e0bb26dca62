package btrfss3.restore;

import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.cli.Log;
import btrfss3.crypto.IntrinsicWarmup;
import btrfss3.format.KeyFiles;
import btrfss3.format.RestoreKey;
import btrfss3.layout.ObjectLayout;
import btrfss3.manifest.Manifest;
import btrfss3.s3.S3Clients;
import btrfss3.stream.StreamSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code restore --verify}: reads an epoch's backups exactly as a restore would (download, decrypt,
 * decompress, check the send stream command by command) and checks the chain and, where there is a
 * manifest, every object's size and SHA-256 and the stream's. Nothing is written anywhere, so it
 * needs neither btrfs nor root and runs on any machine.
 */
public final class Verify {
    private final RestoreOptions options;
    private final Log log;

    private final RestoreReport report;

    public Verify(RestoreOptions options, Log log, RestoreReport report) {
        this.options = options;
        this.log = log;
        this.report = report;
    }

    /** One backup's verdict. */
    private record Result(OpenedBackup backup, StreamSummary summary, String problem) {}

    public int run() {
        ObjectLayout layout = new ObjectLayout(options.prefix());
        ObjectLayout.checkEpoch(options.epoch());
        List<RestoreKey> keys = KeyFiles.forRestore(options.privateKey(), options.passphrase(), options.ageIdentities());
        IntrinsicWarmup.start(RestoreKey.bulkPathsOf(keys));
        try (S3Client s3 = S3Clients.create(options.s3(), 8)) {
            EpochReader reader = new EpochReader(s3, options.bucket(), log);
            List<StoredBackup> backups = reader.list(layout, options.epoch()).stream()
                    .filter(b -> options.until() == null || b.id().seq() <= options.until())
                    .filter(b -> options.only() == null || b.id().seq() == options.only())
                    .toList();
            if (backups.isEmpty()) {
                throw Failure.usage("no backup of epoch " + options.epoch()
                        + (options.only() != null ? " has SEQ " + options.only() : " up to " + options.until()));
            }
            EpochReader.expect(keys, backups);
            EpochReader.Opened opened = reader.open(backups, keys,
                    "s3://" + options.bucket() + "/" + layout.epochPrefix(options.epoch()));
            if (options.thawing().ensureReadable(s3, options.bucket(),
                    opened.backups().stream().flatMap(b -> b.backup().chunks().stream()).toList(), log, true)
                    == Thawing.Next.STOP) {
                return ExitCode.OK;
            }
            List<Result> results = new ArrayList<>();
            Set<UUID> earlier = new HashSet<>();
            report.planned(opened.backups());
            for (OpenedBackup b : opened.backups()) {
                report.reading(results.size() + 1, opened.backups().size());
                Result r = verify(s3, b, earlier);
                if (r.problem() == null) {
                    report.done(b, null);
                }
                results.add(r);
                report(r);
                if (r.summary() != null) {
                    earlier.add(r.summary().uuid());
                } else if (b.manifest() != null) {
                    earlier.add(UUID.fromString(b.manifest().uuid()));
                }
            }
            long bad = results.stream().filter(r -> r.problem() != null).count();
            if (opened.brokenAt() != null) {
                log.error(opened.brokenAt() + ". The epoch cannot be restored past this backup.");
                bad++;
            }
            if (bad > 0) {
                log.error(bad + " of " + (results.size() + (opened.brokenAt() != null ? 1 : 0)) + " backups of epoch "
                        + options.epoch() + " do not verify");
                return ExitCode.FAILED;
            }
            log.result("All " + results.size() + " backups of epoch " + options.epoch() + " verify"
                    + (results.stream().anyMatch(r -> r.backup().manifest() == null)
                        ? " (those without a manifest: stream and chain only)" : ""));
            return ExitCode.OK;
        }
    }

    private Result verify(S3Client s3, OpenedBackup b, Set<UUID> earlier) {
        StreamSummary summary;
        try (BackupStream in = new BackupStream(s3, options.bucket(), b, true, report)) {
            byte[] buf = new byte[1 << 20];
            while (in.read(buf, 0, buf.length) > 0) {
                // Reading is the check.
            }
            summary = in.finish();
        } catch (IOException | RuntimeException e) {
            return new Result(b, null, e.getMessage());
        }
        if (options.only() != null) {
            return new Result(b, summary, null);
        }
        Manifest m = b.manifest();
        String chain = ChainCheck.problem(summary.parentUuid(), m == null ? null : m.branch(), earlier);
        return new Result(b, summary, chain);
    }

    private void report(Result r) {
        OpenedBackup b = r.backup();
        if (r.problem() != null) {
            log.error(b.folder() + " does not verify: " + r.problem());
            return;
        }
        StreamSummary s = r.summary();
        Manifest m = b.manifest();
        String kind = !s.incremental() ? "full"
                : m != null && m.branch() ? "increment on " + m.parent().epoch() + "/" + m.parent().seq()
                : m != null ? "increment on " + m.parent().seq() : "increment";
        log.result("OK " + b.folder() + ": " + kind + ", " + b.backup().chunks().size() + " chunk(s), "
                + s.bytes() + " stream bytes, " + s.commands() + " commands"
                + (m == null ? " (no manifest: chunk hashes not checked)" : ", every hash matches its manifest"));
    }
}
