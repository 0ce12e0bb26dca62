package btrfss3.restore;

import btrfss3.btrfs.Btrfs;
import btrfss3.btrfs.StreamTail;
import btrfss3.btrfs.SubvolumeInfo;
import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.cli.Log;
import btrfss3.format.KeyFiles;
import btrfss3.format.RestoreKey;
import btrfss3.layout.ObjectLayout;
import btrfss3.pipeline.Lz4Streams;
import btrfss3.pipeline.StageInputStream;
import btrfss3.s3.S3Clients;
import btrfss3.s3.S3Errors;
import btrfss3.stream.SendStreamVerifier;
import btrfss3.stream.StreamSummary;
import java.util.LinkedHashMap;
import java.util.Map;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Replays an epoch into a btrfs filesystem: every backup in SEQ order, each streamed
 * {@code S3 -> decrypt -> lz4 -d -> btrfs receive}. It checks everything it can before receiving
 * anything (markers, Glacier state), and stops at the first backup that does not restore,
 * keeping the last good snapshot so the next attempt can go on from it.
 */
public final class Restore {
    private static final Set<String> ARCHIVED = Set.of("GLACIER", "DEEP_ARCHIVE");

    private final RestoreOptions options;
    private final Log log;
    private final Btrfs btrfs = new Btrfs();
    private volatile Process receiving;
    private volatile Path receivingInto;
    private volatile String lastGood;

    public Restore(RestoreOptions options, Log log) {
        this.options = options;
        this.log = log;
    }

    /** One backup that is ready to receive. */
    private record Planned(StoredBackup backup, RestoreKey.ChunkDecryptor decryptor) {}

    public int run() {
        ObjectLayout layout = new ObjectLayout(options.prefix());
        String epochPrefix = layout.epochPrefix(options.epoch());
        btrfs.requireInstalled();
        checkDestination();
        List<RestoreKey> keys = KeyFiles.forRestore(options.privateKey(), options.passphrase(), options.ageIdentities());
        try (S3Client s3 = S3Clients.create(options.s3(), 8)) {
            List<StoredBackup> backups;
            try {
                backups = EpochListing.list(s3, options.bucket(), epochPrefix);
            } catch (SdkException e) {
                throw Failure.usage("could not list s3://" + options.bucket() + "/" + epochPrefix + ": " + S3Errors.describe(e));
            }
            if (backups.isEmpty()) {
                throw Failure.usage("no backup found in s3://" + options.bucket() + "/" + epochPrefix);
            }
            List<Planned> plan = new ArrayList<>();
            String brokenAt = openMarkers(s3, keys, backups, plan);
            checkTargets(plan);
            checkReadable(s3, plan);
            Thread hook = new Thread(this::onSignal, "restore-signal");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return receiveAll(s3, plan, brokenAt);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // Shutting down: the hook reports.
                }
            }
        }
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

    /**
     * Decrypts every marker first, so a wrong key is reported before anything is received.
     * Returns the folder of a backup that is known to hold no data (the chain ends there), or null.
     */
    private String openMarkers(S3Client s3, List<RestoreKey> keys, List<StoredBackup> backups, List<Planned> plan) {
        List<String> refused = new ArrayList<>();
        for (StoredBackup b : backups) {
            RestoreKey key = keys.stream().filter(k -> b.has(k.markerName())).findFirst().orElse(null);
            if (key == null) {
                if (b.has(ObjectLayout.AGE_MARKER) || b.has(ObjectLayout.OPENSSL_MARKER)) {
                    boolean age = b.has(ObjectLayout.AGE_MARKER);
                    throw Failure.usage(b.folder() + " is in the " + (age ? "age" : "openssl") + " format: restore it with "
                            + (age ? "-i AGE_IDENTITY_FILE" : "-k RSA_PRIVATE_KEY") + ", not with "
                            + keys.get(0).description());
                }
                skipWarning(b, "it has no completion marker (an interrupted backup)");
                continue;
            }
            byte[] marker;
            try {
                marker = s3.getObjectAsBytes(r -> r.bucket(options.bucket()).key(b.folder() + key.markerName())).asByteArray();
            } catch (SdkException e) {
                throw Failure.failed("could not read " + b.folder() + key.markerName() + ": " + S3Errors.describe(e));
            }
            try {
                plan.add(new Planned(b, key.open(marker)));
            } catch (RestoreKey.MarkerException e) {
                if (e.chainBroken()) {
                    return b.folder() + ": " + e.getMessage();
                }
                refused.add(b.folder() + " skipped: " + e.getMessage());
            }
        }
        if (plan.isEmpty() && !refused.isEmpty()) {
            // Not one backup opens: the key is wrong, not the backups.
            throw Failure.usage("none of the " + refused.size() + " backups in s3://" + options.bucket() + "/"
                    + new ObjectLayout(options.prefix()).epochPrefix(options.epoch()) + " opens with "
                    + keys.get(0).description() + " (" + refused.get(0).replaceFirst(".* skipped: ", "")
                    + "): is it the key the backups were made for?");
        }
        refused.forEach(r -> log.warn(r + ". This is harmless if a backup failed and was cleaned up, "
                + "but if a later backup was built on this one, restoring it will fail."));
        return null;
    }

    /** A name btrfs receive will need that is taken by something else than one of our snapshots. */
    private void checkTargets(List<Planned> plan) {
        for (Planned p : plan) {
            Path target = options.destination().resolve(p.backup().id().snapshotName());
            if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Btrfs.looksLikeSubvolume(target)) {
                throw Failure.usage("restore destination already holds " + target
                        + ", which is not a snapshot; choose another destination or move it away");
            }
        }
    }

    private void skipWarning(StoredBackup b, String why) {
        log.warn(b.folder() + " skipped: " + why + ". This is harmless if a backup failed and was cleaned up, "
                + "but if a later backup was built on this one, restoring it will fail.");
    }

    /** Chunks in GLACIER or DEEP_ARCHIVE must be thawed before anything is received: exit 4 lists them. */
    private void checkReadable(S3Client s3, List<Planned> plan) {
        List<String> frozen = new ArrayList<>();
        long frozenBytes = 0;
        for (Planned p : plan) {
            for (S3Object o : p.backup().chunks()) {
                String cls = o.storageClassAsString();
                if (cls == null || !ARCHIVED.contains(cls)) {
                    continue;
                }
                HeadObjectResponse head;
                try {
                    head = s3.headObject(r -> r.bucket(options.bucket()).key(o.key()));
                } catch (SdkException e) {
                    throw Failure.failed("could not check " + o.key() + ": " + S3Errors.describe(e));
                }
                String restore = head.restore();
                if (restore == null || !restore.contains("ongoing-request=\"false\"")) {
                    frozen.add(o.key() + " (" + cls + (restore != null ? ", thaw in progress" : "") + ")");
                    frozenBytes += o.size();
                }
            }
        }
        if (!frozen.isEmpty()) {
            throw new Failure(ExitCode.PARTIAL, frozen.size() + " chunk(s), " + frozenBytes
                    + " bytes, are archived and must be restored (thawed) first; see the README's Glacier section: "
                    + String.join(", ", frozen));
        }
    }

    private int receiveAll(S3Client s3, List<Planned> plan, String brokenAt) {
        // Received UUID -> snapshot, for the snapshots of this epoch in the destination: with -d,
        // an increment's own parent (named in its stream) is what goes once it is received.
        Map<String, Path> restored = new LinkedHashMap<>();
        for (Planned p : plan) {
            StoredBackup b = p.backup();
            String name = b.id().snapshotName();
            Path target = options.destination().resolve(name);
            String parent = null;
            if (alreadyRestored(target)) {
                log.info("Already restored: " + target);
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
                    log.error("restoring " + b.folder() + " failed: " + e.getMessage());
                    summarise();
                    return ExitCode.FAILED;
                }
            }
            receivedUuid(target).ifPresent(uuid -> restored.put(uuid, target));
            if (options.deletePrevious() && parent != null && restored.containsKey(parent)) {
                delete(restored.remove(parent));
            }
            lastGood = name;
        }
        if (options.deletePrevious() && lastGood != null) {
            // Backups no later one was built on (a run killed after storing its marker) are left.
            Path newest = options.destination().resolve(lastGood);
            restored.values().stream().filter(p -> !p.equals(newest)).forEach(this::delete);
        }
        if (brokenAt != null) {
            log.error(brokenAt + ". The epoch cannot be restored past this backup.");
            summarise();
            return ExitCode.FAILED;
        }
        summarise();
        return lastGood == null ? ExitCode.FAILED : ExitCode.OK;
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

    private StreamSummary receive(S3Client s3, Planned p, Path target) throws IOException {
        Process receive = btrfs.receive(options.destination());
        receiving = receive;
        receivingInto = target;
        StreamTail errors = new StreamTail(receive.getErrorStream(), 16 * 1024);
        errors.start();
        IOException feedFailure = null;
        StreamSummary summary = null;
        String expectedName = p.backup().id().snapshotName();
        // Downloads and decryption run ahead on their own threads; decompression and the stream
        // check run here, btrfs receive in its own process.
        try (SendStreamVerifier in = new SendStreamVerifier(Lz4Streams.decompress(new StageInputStream(
                new ChunkStream(s3, options.bucket(), p.backup().chunks(), p.decryptor()), 1 << 20, 8)));
             OutputStream out = receive.getOutputStream()) {
            byte[] buf = new byte[1 << 20];
            boolean named = false;
            int n;
            while ((n = in.read(buf)) > 0) {
                if (!named && in.subvolume() != null) {
                    named = true;
                    // Chunks of another backup decrypt fine when the keys are the same: the
                    // snapshot's name in the stream tells them apart.
                    if (!expectedName.equals(in.subvolume().name())) {
                        throw new IOException("its chunks hold a stream of snapshot '" + in.subvolume().name()
                                + "', not of " + expectedName + ": they belong to another backup");
                    }
                }
                out.write(buf, 0, n);
            }
            summary = in.summary();
        } catch (IOException e) {
            feedFailure = e;
            if (!e.getMessage().contains("Broken pipe") && !e.getMessage().contains("Stream closed")) {
                receive.destroy();
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
        if (feedFailure != null && !isPipeError(feedFailure)) {
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

    private static boolean isPipeError(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Broken pipe") || m.contains("Stream closed");
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
