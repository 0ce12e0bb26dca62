package btrfss3.restore;

import btrfss3.cli.Failure;
import btrfss3.s3.S3Errors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Fetches the small objects that opening an epoch reads, each backup's marker and manifest, a few
 * backups ahead of the one being opened. Why: each is a round trip to S3, tens of milliseconds
 * over the internet, and an epoch of daily increments holds hundreds of backups; one after the
 * other, they would add seconds before a restore or a verify starts. Decrypting them stays in
 * order, on the caller's thread.
 */
final class SmallObjectPrefetch implements AutoCloseable {
    /** Backups fetched ahead of the one being opened: a marker and a manifest of a few KiB each. */
    static final int AHEAD = 8;
    private static final int THREADS = 4;

    private final S3Client s3;
    private final String bucket;
    private final List<List<String>> keys;
    private final List<Map<String, Future<byte[]>>> fetches = new ArrayList<>();
    /** Backups before this one are done with: their fetches are cancelled and forgotten. */
    private int released;
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "s3-prefetch");
        t.setDaemon(true);
        return t;
    });

    /** @param keys for each backup, in the order they will be opened, the objects to fetch */
    SmallObjectPrefetch(S3Client s3, String bucket, List<List<String>> keys) {
        this.s3 = s3;
        this.bucket = bucket;
        this.keys = keys;
    }

    /**
     * The object {@code key} of backup {@code index}, which the caller opens now: the backups before
     * it are done with, and those up to {@link #AHEAD} after it are fetched meanwhile.
     */
    byte[] get(int index, String key) {
        while (fetches.size() <= Math.min(index + AHEAD, keys.size() - 1)) {
            Map<String, Future<byte[]>> backup = new HashMap<>();
            for (String k : keys.get(fetches.size())) {
                backup.put(k, pool.submit(() -> fetch(k)));
            }
            fetches.add(backup);
        }
        for (; released < index; released++) {
            Map<String, Future<byte[]>> done = fetches.get(released);
            done.values().forEach(f -> f.cancel(true));
            done.clear();
        }
        Future<byte[]> pending = fetches.get(index).remove(key);
        if (pending == null) {
            throw new IllegalStateException(key + " is not among the objects of backup " + index + " still to read");
        }
        try {
            return pending.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw Failure.failed("could not read " + key + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failure.failed("interrupted while reading " + key);
        }
    }

    private byte[] fetch(String key) {
        try {
            return s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
        } catch (SdkException e) {
            throw Failure.failed("could not read " + key + ": " + S3Errors.describe(e));
        }
    }

    /** Stops what is still being fetched: opening can end early (a broken chain, a wrong key). */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
