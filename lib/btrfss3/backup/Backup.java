package btrfss3.backup;

import btrfss3.Dependencies;
import btrfss3.btrfs.Btrfs;
import btrfss3.btrfs.StreamTail;
import btrfss3.btrfs.SubvolumeInfo;
import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.cli.Log;
import btrfss3.crypto.IntrinsicWarmup;
import btrfss3.format.BackupFormat;
import btrfss3.format.KeyFiles;
import btrfss3.layout.ChunkNames;
import btrfss3.layout.ObjectLayout;
import btrfss3.layout.SequenceId;
import btrfss3.manifest.Manifest;
import btrfss3.pipeline.ChunkSplitter;
import btrfss3.pipeline.MeasuringOutputStream;
import btrfss3.pipeline.Lz4Streams;
import btrfss3.pipeline.StageInputStream;
import btrfss3.pipeline.StageOutputStream;
import btrfss3.s3.ObjectUploader;
import btrfss3.s3.S3Clients;
import btrfss3.s3.S3Errors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * One backup: snapshot, {@code btrfs send | lz4 | split | encrypt | upload}, marker, promote.
 * The order is the safety argument: the marker goes up only after every chunk is stored, and the
 * snapshot becomes a parent only after the marker is stored.
 */
public final class Backup {
    private enum Stage { PREPARING, SNAPSHOT_TAKEN, MARKER_STORED, DONE }

    private final BackupOptions options;
    private final Log log;
    private final Btrfs btrfs = new Btrfs();
    private final Clock clock;
    private final BackupReport report;
    private final Object stateLock = new Object();
    private Stage stage = Stage.PREPARING;
    private boolean cancelled;
    private Process send;
    private ObjectUploader uploader;
    private final java.util.concurrent.ExecutorService encryptors = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "encrypt");
        t.setDaemon(true);
        return t;
    });
    private SnapshotStore store;
    private SequenceId id;

    public Backup(BackupOptions options, Log log, Clock clock, BackupReport report) {
        this.options = options;
        this.log = log;
        this.clock = clock;
        this.report = report;
    }

    /** Runs the backup and returns the exit code; user-facing failures are thrown as {@link Failure}. */
    public int run() {
        ObjectLayout layout = new ObjectLayout(options.prefix());
        ObjectLayout.checkEpoch(options.epoch());
        if (options.branchEpoch() != null) {
            ObjectLayout.checkEpoch(options.branchEpoch());
        }
        StorageClass storageClass = storageClass(options.storageClass());
        checkMemory();
        btrfs.requireInstalled();
        KeyFiles.Writer writer = KeyFiles.forBackup(options.publicKey(), options.ageRecipients());
        SubvolumeInfo source;
        try {
            source = btrfs.show(options.subvolume());
        } catch (IOException e) {
            throw Failure.usage(e.getMessage());
        }
        try (var lock = SubvolumeLock.acquire(source.uuid(), options.subvolume());
             S3Client s3 = S3Clients.create(options.s3(), options.partsInFlight() + 2);
             BackupFormat format = writer.format()) {
            IntrinsicWarmup.start(format.bulkPaths());
            securityCheck(s3, layout);
            store = new SnapshotStore(options.subvolume(), btrfs);
            removeOrphans();
            checkEpochKey(format.name() + " " + writer.keyFingerprint());
            ChainPlanner.Plan plan = plan();
            warnAboutNestedSubvolumes(source);
            Thread hook = new Thread(this::onSignal, "backup-signal");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return backUp(s3, layout, format, writer.keyFingerprint(), storageClass, plan);
            } finally {
                synchronized (stateLock) {
                    stage = Stage.DONE;
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // Already shutting down: the hook owns the clean-up.
                }
            }
        }
    }

    private int backUp(S3Client s3, ObjectLayout layout, BackupFormat format, String keyFingerprint,
                       StorageClass storageClass, ChainPlanner.Plan plan) {
        id = SequenceId.create(seq());
        Path parent = plan.parent().map(p -> store.snapshot(p.epoch(), p.seq())).orElse(null);
        report.planned(id.seq(), plan.parent());
        Path snapshot;
        synchronized (stateLock) {
            stage = Stage.SNAPSHOT_TAKEN;
        }
        try {
            snapshot = store.begin(options.epoch(), id.seq());
            btrfs.snapshotReadOnly(options.subvolume(), snapshot);
        } catch (IOException e) {
            abort();
            throw Failure.usage("could not take the snapshot: " + e.getMessage());
        }
        String folder = layout.sequencePrefix(options.epoch(), id);
        log.info("Backing up " + options.subvolume() + " to s3://" + options.bucket() + "/" + folder
                + (parent == null ? " (full)" : " (increment on " + parent + ")"));
        long largestStored = largestStoredChunk();
        var lock = options.objectLock();
        uploader = new ObjectUploader(s3, options.bucket(), storageClass, options.partSize(), largestStored,
                options.partsInFlight(), options.s3().ifNoneMatch(), lock == null ? null : lock.mode(),
                lock == null ? null : clock.instant().plus(java.time.Duration.ofDays(lock.days())));
        try {
            Sent sent = streamChunks(snapshot, parent, folder, format);
            SubvolumeInfo info = btrfs.show(snapshot);
            Manifest manifest = new Manifest("btrfs-send-to-s3 " + Dependencies.TOOL_VERSION, format.name(),
                    options.epoch(), id.seq(), id.dirName(), clock.instant(),
                    plan.parent().map(p -> new Manifest.Parent(p.epoch(), p.seq())).orElse(null), plan.fromOtherEpoch(),
                    streamUuid(info), parent == null ? null : streamUuid(btrfs.show(parent)), sent.chunks(), sent.stream());
            // The manifest goes up before the marker, so every complete backup made by this version has one.
            byte[] stored = encrypt(format, manifest.toJson());
            uploader.putSmall(folder + Manifest.OBJECT_NAME, stored, StorageClass.STANDARD);
            report.metadataStored(stored.length);
            synchronized (stateLock) {
                if (cancelled) {
                    throw new IOException("interrupted");
                }
                byte[] marker = format.marker(info);
                uploader.putSmall(folder + format.markerName(), marker, StorageClass.STANDARD);
                report.metadataStored(marker.length);
                stage = Stage.MARKER_STORED;
            }
        } catch (IOException | RuntimeException e) {
            abort();
            if (e instanceof Failure f) {
                throw f;
            }
            throw Failure.failed("backup failed, nothing was kept: " + e.getMessage(), e);
        } finally {
            uploader.close();
            encryptors.shutdownNow();
        }
        try {
            store.promote(options.epoch(), id.seq());
            store.recordKey(options.epoch(), format.name() + " " + keyFingerprint);
        } catch (IOException e) {
            throw Failure.failed("the backup is stored in S3 but its snapshot could not be marked complete "
                    + "(the next run will delete it and send a larger increment): " + e.getMessage());
        }
        if (plan.deleteParentAfter() && parent != null) {
            try {
                btrfs.delete(parent);
            } catch (IOException e) {
                throw new Failure(ExitCode.PARTIAL, "the backup is stored, but the previous snapshot could not be deleted: "
                        + e.getMessage());
            }
        }
        log.info("Stored s3://" + options.bucket() + "/" + folder + " and kept " + store.snapshot(options.epoch(), id.seq()));
        return ExitCode.OK;
    }

    /** The UUID btrfs send writes for a subvolume: its received UUID if it has one, as the kernel does. */
    private static String streamUuid(SubvolumeInfo info) {
        return info.receivedUuid() != null ? info.receivedUuid() : info.uuid();
    }

    /** What was sent, as the manifest records it. */
    private record Sent(List<Manifest.Chunk> chunks, Manifest.Digest stream) {}

    private static byte[] encrypt(BackupFormat format, String text) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (OutputStream enc = format.encryptChunk(out)) {
            enc.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private Sent streamChunks(Path snapshot, Path parent, String folder, BackupFormat format) throws IOException {
        List<ObjectUploader.Writer> writers = new ArrayList<>();
        List<MeasuringOutputStream> stored = new ArrayList<>();
        synchronized (stateLock) {
            if (cancelled) {
                throw new IOException("interrupted");
            }
            send = btrfs.send(snapshot, parent);
        }
        send.getOutputStream().close();
        StreamTail sendErrors = new StreamTail(send.getErrorStream(), 16 * 1024);
        sendErrors.start();
        List<StageOutputStream> encryptions = new ArrayList<>();
        // Compression runs on this thread, encryption on another, uploads on the uploader's pool.
        ChunkSplitter splitter = new ChunkSplitter(options.chunkSize(), index -> {
            if (index >= ChunkNames.MAX_CHUNKS) {
                throw new IOException("the stream needs more than " + ChunkNames.MAX_CHUNKS
                        + " chunks; use a larger chunk size (-S)");
            }
            report.chunkOpened(index);
            ObjectUploader.Writer w = uploader.open(folder + ChunkNames.name(index));
            writers.add(w);
            // The stored object is hashed on the encryption thread, next to the cipher.
            MeasuringOutputStream storedBytes = new MeasuringOutputStream(w);
            stored.add(storedBytes);
            StageOutputStream stage = new StageOutputStream(format.encryptChunk(storedBytes), STAGE_BUFFER, STAGE_DEPTH,
                    encryptors);
            encryptions.add(stage);
            return stage;
        });
        // The send stream is hashed for the manifest as it goes into compression.
        MeasuringOutputStream sent = new MeasuringOutputStream(Lz4Streams.compress(splitter));
        // Read ahead on a thread of its own: the pipe holds only 64 KiB, so btrfs send would
        // otherwise wait each time this thread hashes and compresses a buffer.
        try (InputStream in = new StageInputStream(send.getInputStream(), SEND_BUFFER, SEND_DEPTH)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                report.sent(n);
                sent.write(buf, 0, n);
            }
            int exit = waitFor(send);
            if (exit != 0) {
                String why = sendErrors.text().strip().replace('\n', ' ');
                throw new IOException("btrfs send failed (exit " + exit + ")" + (why.isEmpty() ? "" : ": " + why));
            }
            sent.close();
        }
        for (int i = 0; i < writers.size(); i++) {
            ObjectUploader.Writer w = writers.get(i);
            try {
                encryptions.get(i).done().get();
                w.completion().get();
                report.chunkStored(w.size());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof IOException io ? io
                        : new IOException("upload of " + w.key() + " failed: " + S3Errors.describe(cause), cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        List<Manifest.Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < writers.size(); i++) {
            // The splitter cuts exactly -S bytes per chunk; the last one holds the rest.
            long plain = i < writers.size() - 1 ? options.chunkSize()
                    : splitter.totalBytes() - (long) i * options.chunkSize();
            chunks.add(new Manifest.Chunk(ChunkNames.name(i), plain, stored.get(i).bytes(), stored.get(i).sha256Hex()));
        }
        return new Sent(chunks, new Manifest.Digest(sent.bytes(), sent.sha256Hex()));
    }

    /** Hand-over between compression and encryption: 8 x 1 MiB keeps both busy without holding much. */
    private static final int STAGE_BUFFER = 1 << 20;
    private static final int STAGE_DEPTH = 8;
    /** Read-ahead of btrfs send's output. */
    private static final int SEND_BUFFER = 256 << 10;
    private static final int SEND_DEPTH = 4;

    private static int waitFor(Process p) throws IOException {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for btrfs send");
        }
    }

    /** Undoes everything of this run that S3 or btrfs kept: open uploads, the new snapshot. */
    private void abort() {
        Process p = send;
        if (p != null && p.isAlive()) {
            p.destroy();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (uploader != null) {
            uploader.abortAll();
        }
        try {
            store.discard(options.epoch(), id.seq());
        } catch (IOException e) {
            log.error("could not delete the unfinished snapshot " + store.snapshot(options.epoch(), id.seq())
                    + " (the next run removes it): " + e.getMessage());
        }
    }

    /** SIGINT or SIGTERM: a run that had not stored its marker leaves nothing; one that had is finished. */
    private void onSignal() {
        synchronized (stateLock) {
            if (stage == Stage.DONE || stage == Stage.PREPARING) {
                cancelled = true;
                return;
            }
            log.error("caught a termination signal, aborting");
            cancelled = true;
            if (stage == Stage.SNAPSHOT_TAKEN) {
                abort();
                log.error("backup interrupted, nothing was kept");
            } else {
                try {
                    store.promote(options.epoch(), id.seq());
                    log.error("interrupted after the backup was stored; its snapshot was kept");
                } catch (IOException e) {
                    log.error("interrupted after the backup was stored; its snapshot stays in .incomplete/");
                }
            }
        }
        Runtime.getRuntime().halt(ExitCode.FAILED);
    }

    /** Largest stored chunk: the chunk plus what encryption adds (padding, or age's 16 bytes per 64 KiB). */
    private long largestStoredChunk() {
        return options.chunkSize() + options.chunkSize() / 4096 + 64 * 1024;
    }

    /** Refuses, before any snapshot, settings whose buffers would not fit in the JVM's heap. */
    private void checkMemory() {
        int part = ObjectUploader.partSize(options.partSize(), largestStoredChunk());
        long buffers = ObjectUploader.bufferMemory(part, options.partsInFlight())
                + (long) STAGE_BUFFER * (STAGE_DEPTH + 2) * 2 + (long) SEND_BUFFER * (SEND_DEPTH + 2) + (16L << 20);
        long heap = Runtime.getRuntime().maxMemory();
        if (buffers > heap - (24L << 20)) {
            throw Failure.usage(String.format("--parallel %d with parts of %d MiB needs about %d MiB of heap, the JVM has %d MiB:"
                    + " lower --parallel or --part-size, or raise the heap (JAVA_TOOL_OPTIONS=-Xmx%dm)",
                    options.partsInFlight(), part >> 20, buffers >> 20, heap >> 20, (buffers >> 20) + 64));
        }
    }

    private long seq() {
        return clock.instant().getEpochSecond();
    }

    private ChainPlanner.Plan plan() {
        try {
            List<Long> inEpoch = store.completed(options.epoch());
            List<Long> inBranch = options.branchEpoch() == null ? List.of() : store.completed(options.branchEpoch());
            long seq = seq();
            ChainPlanner.Plan plan = ChainPlanner.plan(options.epoch(), inEpoch, options.branchEpoch(), inBranch,
                    seq, options.deletePrevious());
            if (plan.parent().isEmpty()) {
                log.info("No previous snapshot found for epoch " + options.epoch() + "; making a full backup");
            }
            return plan;
        } catch (ChainPlanner.Refusal e) {
            throw Failure.usage(e.getMessage());
        } catch (IOException e) {
            throw Failure.usage("cannot read the snapshots of " + options.subvolume() + ": " + e.getMessage());
        }
    }

    /** An epoch is read with one key by restore, so its format and keys never change within it. */
    private void checkEpochKey(String key) {
        try {
            var recorded = store.recordedKey(options.epoch());
            if (recorded.isPresent() && !recorded.get().equals(key)) {
                String was = recorded.get().split(" ")[0];
                String now = key.split(" ")[0];
                throw Failure.usage("epoch " + options.epoch() + " was started in the " + was + " format"
                        + (was.equals(now) ? " with other keys" : "") + "; formats and keys change only with a new epoch "
                        + "(-e NEW_EPOCH, with -B " + options.epoch() + " to start it as an increment)");
            }
        } catch (IOException e) {
            throw Failure.usage("cannot read the epoch's recorded key: " + e.getMessage());
        }
    }

    private void removeOrphans() {
        try {
            for (long seq : store.orphans(options.epoch())) {
                log.warn("deleting " + store.snapshot(options.epoch(), seq)
                        + ", left unfinished by an earlier run that was killed");
                store.discard(options.epoch(), seq);
            }
        } catch (IOException e) {
            throw Failure.usage("cannot remove an unfinished snapshot: " + e.getMessage());
        }
    }

    private void warnAboutNestedSubvolumes(SubvolumeInfo source) {
        try {
            String base = source.pathInFilesystem().equals("/") ? "" : source.pathInFilesystem() + "/";
            List<String> nested = new ArrayList<>();
            for (String p : btrfs.nestedSubvolumes(options.subvolume())) {
                String rel = p.startsWith(base) ? p.substring(base.length()) : p;
                if (!rel.startsWith(SnapshotStore.DIR_PREFIX)) {
                    nested.add(rel);
                }
            }
            if (!nested.isEmpty()) {
                log.warn("these nested subvolumes are not part of the backup (btrfs send skips them): "
                        + String.join(", ", nested));
            }
        } catch (IOException e) {
            log.warn("could not list nested subvolumes: " + e.getMessage());
        }
    }

    /** Listing rights let anyone holding these credentials find, and perhaps overwrite, the backups. */
    private void securityCheck(S3Client s3, ObjectLayout layout) {
        try {
            s3.listObjectsV2(b -> b.bucket(options.bucket()).prefix(layout.prefix() + "/").maxKeys(1));
            log.warn("SECURITY WARNING: these credentials can list the bucket. An attacker holding them can find "
                    + "your backups and, without the protections in the README's security section, overwrite them. "
                    + "Give backups a PutObject-only policy (examples/aws/).");
        } catch (SdkException e) {
            if ("NoSuchBucket".equals(S3Errors.errorCode(e))) {
                throw Failure.usage("bucket " + options.bucket() + " does not exist");
            }
            String code = S3Errors.errorCode(e);
            if (code != null && java.util.Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken",
                    "InvalidToken", "TokenRefreshRequired").contains(code)) {
                throw Failure.usage("S3 refused the credentials: " + S3Errors.describe(e));
            }
            if (S3Errors.isStatus(e, 403)) {
                return;
            }
            if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException) {
                return;
            }
            throw Failure.usage("cannot reach S3: " + S3Errors.describe(e));
        }
    }

    static StorageClass storageClass(String name) {
        StorageClass c = StorageClass.fromValue(name);
        if (c == StorageClass.UNKNOWN_TO_SDK_VERSION) {
            throw Failure.usage("unknown storage class '" + name + "'; one of " + StorageClass.knownValues());
        }
        return c;
    }
}
