package btrfss3.restore;

import btrfss3.btrfs.Btrfs;
import btrfss3.btrfs.StreamTail;
import btrfss3.btrfs.SubvolumeInfo;
import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.cli.Log;
import btrfss3.crypto.IntrinsicWarmup;
import btrfss3.format.KeyFiles;
import btrfss3.format.RestoreKey;
import btrfss3.layout.ObjectLayout;
import btrfss3.s3.S3Clients;
import btrfss3.s3.S3Errors;
import btrfss3.stream.StreamSummary;
import btrfss3.manifest.Manifest;
import btrfss3.pipeline.StageOutputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Replays an epoch into a btrfs filesystem: every backup in SEQ order, each streamed
 * {@code S3 -> decrypt -> lz4 -d -> btrfs receive}. It checks everything it can before receiving
 * anything (markers, Glacier state), and stops at the first backup that does not restore,
 * keeping the last good snapshot so the next attempt can go on from it.
 */
public final class Restore {
    private final RestoreOptions options;
    private final Log log;
    private final Btrfs btrfs = new Btrfs();
    /** Writes to btrfs receive, one backup after the other. */
    private final ExecutorService feeder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "receive-feed");
        t.setDaemon(true);
        return t;
    });
    private static final int FEED_BUFFER = 256 << 10;
    private static final int FEED_DEPTH = 4;
    private volatile Process receiving;
    private volatile Path receivingInto;
    private volatile String lastGood;

    private final RestoreReport report;

    public Restore(RestoreOptions options, Log log, RestoreReport report) {
        this.options = options;
        this.log = log;
        this.report = report;
    }

    /** One epoch's part of the restore, oldest first; with --with-parents the epochs it branched from come first. */
    private record Part(String epoch, List<OpenedBackup> backups, String brokenAt) {}

    public int run() {
        ObjectLayout layout = new ObjectLayout(options.prefix());
        ObjectLayout.checkEpoch(options.epoch());
        boolean receiving = options.destination() != null;
        if (receiving) {
            btrfs.requireInstalled();
            checkDestination();
        }
        List<RestoreKey> keys = KeyFiles.forRestore(options.privateKey(), options.passphrase(), options.ageIdentities());
        IntrinsicWarmup.start(RestoreKey.bulkPathsOf(keys));
        try (S3Client s3 = S3Clients.create(options.s3(), 8)) {
            List<Part> parts = plan(new EpochReader(s3, options.bucket(), log), layout, keys);
            List<OpenedBackup> all = parts.stream().flatMap(p -> p.backups().stream()).toList();
            report.planned(all);
            if (receiving) {
                checkTargets(all);
            }
            // Without -s the run only thaws (or plans a thaw): its work ends here.
            if (options.thawing().ensureReadable(s3, options.bucket(),
                    all.stream().flatMap(b -> b.backup().chunks().stream()).toList(), log, receiving) == Thawing.Next.STOP
                    || !receiving) {
                return ExitCode.OK;
            }
            Thread hook = new Thread(this::onSignal, "restore-signal");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return receiveAll(s3, parts);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // Shutting down: the hook reports.
                }
            }
        }
    }

    /**
     * The epochs to restore, in order. A branched epoch starts with an increment on a snapshot of
     * another epoch; with --with-parents its manifest names that snapshot, and that epoch is
     * restored up to it first (and so on, if it was branched too).
     */
    private List<Part> plan(EpochReader reader, ObjectLayout layout, List<RestoreKey> keys) {
        List<Part> parts = new ArrayList<>();
        String epoch = options.epoch();
        Long until = options.until();
        Set<String> seen = new HashSet<>();
        while (true) {
            if (!seen.add(epoch)) {
                throw Failure.failed("the manifests of epochs " + seen + " name each other as parents: they are damaged");
            }
            Part part = openEpoch(reader, layout, keys, epoch, until);
            if (part.backups().isEmpty()) {
                throw Failure.usage("no complete backup of epoch " + epoch + (until == null ? "" : " up to " + until)
                        + " in s3://" + options.bucket() + "/" + layout.epochPrefix(epoch));
            }
            if (!parts.isEmpty()) {
                long want = until;
                OpenedBackup last = part.backups().get(part.backups().size() - 1);
                if (last.seq() != want || part.brokenAt() != null) {
                    throw Failure.failed("epoch " + parts.get(0).epoch() + " branched from snapshot " + want + " of epoch "
                            + epoch + ", which is not among its complete backups");
                }
            }
            parts.add(0, part);
            if (!options.withParents()) {
                return parts;
            }
            OpenedBackup first = part.backups().get(0);
            Manifest m = first.manifest();
            if (m == null) {
                log.info(first.folder() + " has no manifest: if it is an increment on another epoch (-B), restore that one first");
                return parts;
            }
            if (!m.branch()) {
                return parts;
            }
            log.info("Epoch " + epoch + " branched from snapshot " + m.parent().seq() + " of epoch " + m.parent().epoch()
                    + ": restoring that first");
            epoch = m.parent().epoch();
            until = m.parent().seq();
        }
    }

    private Part openEpoch(EpochReader reader, ObjectLayout layout, List<RestoreKey> keys, String epoch, Long until) {
        List<StoredBackup> backups = reader.list(layout, epoch).stream()
                .filter(b -> until == null || b.id().seq() <= until).toList();
        if (backups.isEmpty()) {
            return new Part(epoch, List.of(), null);
        }
        if (options.destination() != null) {
            EpochReader.expect(keys, backups.stream()
                    .filter(b -> !Files.exists(target(b), LinkOption.NOFOLLOW_LINKS)).toList());
        }
        EpochReader.Opened opened = reader.open(backups, keys, "s3://" + options.bucket() + "/" + layout.epochPrefix(epoch));
        return new Part(epoch, opened.backups(), opened.brokenAt());
    }

    private void checkDestination() {
        Path dest = options.destination();
        if (!Files.isDirectory(dest)) {
            throw Failure.usage("restore destination " + dest + " is not a directory");
        }
        try {
            String type = Files.getFileStore(dest).type();
            if (!"btrfs".equals(type)) {
                throw Failure.usage("restore destination " + dest + " is on " + type + ", not on btrfs");
            }
        } catch (IOException e) {
            throw Failure.usage("cannot inspect restore destination " + dest + ": " + e.getMessage());
        }
    }

    /** A name btrfs receive will need that is taken by something else than one of our snapshots. */
    private void checkTargets(List<OpenedBackup> plan) {
        for (OpenedBackup p : plan) {
            Path target = target(p.backup());
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Btrfs.looksLikeSubvolume(target)) {
                throw Failure.usage("restore destination already holds " + target
                        + ", which is not a snapshot; choose another destination or move it away");
            }
        }
    }

    private int receiveAll(S3Client s3, List<Part> parts) {
        // Received UUID -> snapshot, for the snapshots of this restore in the destination: with -d,
        // an increment's own parent (named in its stream) is what goes once it is received.
        Map<String, Path> restored = new LinkedHashMap<>();
        int total = parts.stream().mapToInt(p -> p.backups().size()).sum();
        int number = 0;
        for (Part part : parts) {
            for (OpenedBackup p : part.backups()) {
                report.reading(++number, total);
                if (!receiveOne(s3, p, restored)) {
                    return ExitCode.FAILED;
                }
            }
            if (part.brokenAt() != null) {
                if (options.deletePrevious()) {
                    keepOnlyNewest(restored);
                }
                log.error(part.brokenAt() + ". The epoch cannot be restored past this backup.");
                summarise();
                return ExitCode.FAILED;
            }
        }
        if (options.deletePrevious()) {
            keepOnlyNewest(restored);
        }
        summarise();
        return lastGood == null ? ExitCode.FAILED : ExitCode.OK;
    }

    /** Backups no later one was built on (a run killed after storing its marker) are left by -d until the end. */
    private void keepOnlyNewest(Map<String, Path> restored) {
        if (lastGood != null) {
            Path newest = options.destination().resolve(lastGood);
            restored.values().stream().filter(p -> !p.equals(newest)).forEach(this::delete);
        }
    }

    /** Where backup {@code b}'s snapshot goes in the destination. */
    private Path target(StoredBackup b) {
        return options.destination().resolve(b.id().snapshotName());
    }

    /** Receives one backup unless an earlier run did; false when it failed (reported, partial removed). */
    private boolean receiveOne(S3Client s3, OpenedBackup p, Map<String, Path> restored) {
        StoredBackup b = p.backup();
        String name = b.id().snapshotName();
        Path target = target(b);
        String parent = null;
        if (alreadyRestored(target)) {
            log.info("Already restored: " + target);
            report.skipped(p);
        } else {
            if (Btrfs.looksLikeSubvolume(target)) {
                log.warn("deleting " + target + ", left partly received by an earlier run");
                removePartial(target);
            }
            log.info("Restoring " + b.folder());
            try {
                StreamSummary summary = receive(s3, p, target);
                parent = summary.parentUuid() == null ? null : summary.parentUuid().toString();
            } catch (IOException | RuntimeException e) {
                removePartial(target);
                Manifest m = p.manifest();
                String hint = m != null && m.branch() && !options.withParents()
                        ? " (it is an increment on snapshot " + m.parent().seq() + " of epoch " + m.parent().epoch()
                            + ": add --with-parents to restore that first)" : "";
                log.error("restoring " + b.folder() + " failed: " + e.getMessage() + hint);
                summarise();
                return false;
            }
        }
        receivedUuid(target).ifPresent(uuid -> restored.put(uuid, target));
        if (options.deletePrevious() && parent != null && restored.containsKey(parent)) {
            delete(restored.remove(parent));
        }
        lastGood = name;
        report.done(p, target);
        return true;
    }

    private void delete(Path snapshot) {
        try {
            btrfs.delete(snapshot);
        } catch (IOException e) {
            log.warn("could not delete " + snapshot + ": " + e.getMessage());
        }
    }

    private java.util.Optional<String> receivedUuid(Path snapshot) {
        try {
            return java.util.Optional.ofNullable(btrfs.show(snapshot).receivedUuid());
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private StreamSummary receive(S3Client s3, OpenedBackup p, Path target) throws IOException {
        Process receive = btrfs.receive(options.destination());
        receiving = receive;
        receivingInto = target;
        StreamTail errors = new StreamTail(receive.getErrorStream(), 16 * 1024);
        errors.start();
        IOException feedFailure = null;
        // True when writing to btrfs receive failed: it exited first, and its own message says why.
        boolean receiverGone = false;
        StreamSummary summary = null;
        // Downloads and decryption run ahead on their own threads; decompression and the stream
        // check run here, btrfs receive in its own process. The pipe to it holds only 64 KiB, so
        // a thread of its own writes to it: receive always has input while this thread decompresses.
        StageOutputStream out = new StageOutputStream(receive.getOutputStream(), FEED_BUFFER, FEED_DEPTH, feeder);
        try (BackupStream in = new BackupStream(s3, options.bucket(), p, false, report)) {
            byte[] buf = new byte[FEED_BUFFER];
            int n;
            while ((n = in.read(buf, 0, buf.length)) > 0) {
                try {
                    out.write(buf, 0, n);
                } catch (IOException e) {
                    receiverGone = true;
                    throw e;
                }
            }
            summary = in.finish();
        } catch (IOException e) {
            feedFailure = e;
        }
        if (feedFailure != null && !receiverGone) {
            // Stopped before closing its input, so it never takes a cut-off stream for a whole one.
            receive.destroy();
        }
        try {
            out.close();
            out.done().join();
        } catch (IOException | java.util.concurrent.CompletionException e) {
            if (feedFailure == null) {
                feedFailure = e instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
                receiverGone = true;
            }
        }
        int exit;
        try {
            exit = receive.waitFor();
        } catch (InterruptedException e) {
            receive.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } finally {
            receiving = null;
        }
        String why = errors.text().strip().replace('\n', ' ');
        if (feedFailure != null && !receiverGone) {
            throw feedFailure;
        }
        if (exit != 0) {
            throw new IOException("btrfs receive failed (exit " + exit + ")" + (why.isEmpty() ? "" : ": " + why));
        }
        if (feedFailure != null) {
            throw feedFailure;
        }
        if (!alreadyRestored(target)) {
            throw new IOException("btrfs receive ended without completing " + target);
        }
        return summary;
    }

    /** A snapshot an earlier run received completely: read-only, with a received UUID. */
    private boolean alreadyRestored(Path target) {
        if (!Btrfs.looksLikeSubvolume(target)) {
            return false;
        }
        try {
            SubvolumeInfo info = btrfs.show(target);
            return info.readOnly() && info.receivedUuid() != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Removes what the failed attempt received: a half-filled subvolume, or even a complete one
     * when the check failed only after btrfs receive was done (data after the stream's end).
     */
    private void removePartial(Path target) {
        if (!Btrfs.looksLikeSubvolume(target)) {
            return;
        }
        try {
            btrfs.delete(target);
        } catch (IOException e) {
            log.error("could not delete the partly received " + target + ": " + e.getMessage());
        }
    }

    private void summarise() {
        if (lastGood != null) {
            log.result("Last snapshot successfully restored in: " + options.destination().resolve(lastGood));
        } else {
            log.error("No snapshot was restored.");
        }
    }

    private void onSignal() {
        Process p = receiving;
        if (p != null) {
            log.error("caught a termination signal, aborting");
            p.destroy();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Path t = receivingInto;
            if (t != null) {
                removePartial(t);
            }
            summarise();
            Runtime.getRuntime().halt(ExitCode.FAILED);
        }
    }
}
