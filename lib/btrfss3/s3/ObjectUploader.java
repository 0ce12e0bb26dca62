package btrfss3.s3;

import btrfss3.pipeline.BulkOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Uploads objects whose length is not known in advance, with memory bounded by
 * {@code (partsInFlight + 1) x partSize}: parts are filled in reused buffers and uploaded by a
 * small pool while the next part fills. An object that ends within its first part is sent with
 * one PutObject; larger ones become multipart uploads. Every write asks S3 not to replace an
 * existing object (If-None-Match: *), unless the store cannot take that header.
 */
public final class ObjectUploader implements AutoCloseable {
    /** S3's limit on the parts of one multipart upload. */
    public static final int MAX_PARTS = 10_000;
    /** S3's smallest part (all but the last). */
    public static final long MIN_PART = 5L * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final StorageClass storageClass;
    private final int partSize;
    private final boolean ifNoneMatch;
    private final String lockMode;
    private final java.time.Instant lockUntil;
    private final ExecutorService pool;
    /** Completions wait on parts, so they must not take the threads the parts need. */
    private final ExecutorService completer = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "s3-complete");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<byte[]> buffers;
    private final Set<Writer> open = ConcurrentHashMap.newKeySet();
    private int allocated;
    private final int maxBuffers;

    /**
     * @param largestObject the largest object this uploader will be given; parts grow so it fits in 10,000
     */
    public ObjectUploader(S3Client s3, String bucket, StorageClass storageClass, long preferredPartSize,
                          long largestObject, int partsInFlight, boolean ifNoneMatch) {
        this(s3, bucket, storageClass, preferredPartSize, largestObject, partsInFlight, ifNoneMatch, null, null);
    }

    /** With Object Lock: every object is retained in {@code lockMode} until {@code lockUntil}. */
    public ObjectUploader(S3Client s3, String bucket, StorageClass storageClass, long preferredPartSize,
                          long largestObject, int partsInFlight, boolean ifNoneMatch, String lockMode,
                          java.time.Instant lockUntil) {
        this.lockMode = lockMode;
        this.lockUntil = lockUntil;
        this.s3 = s3;
        this.bucket = bucket;
        this.storageClass = storageClass;
        this.ifNoneMatch = ifNoneMatch;
        this.partSize = partSize(preferredPartSize, largestObject);
        this.maxBuffers = partsInFlight + 1;
        this.buffers = new ArrayBlockingQueue<>(maxBuffers);
        this.pool = Executors.newFixedThreadPool(partsInFlight, r -> {
            Thread t = new Thread(r, "s3-upload");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The part size for objects up to {@code largestObject}: the preferred one, grown so that the
     * object fits in 10,000 parts, and never larger than the object itself.
     */
    public static int partSize(long preferredPartSize, long largestObject) {
        long part = Math.max(preferredPartSize, MIN_PART);
        long needed = (largestObject + MAX_PARTS - 1) / MAX_PARTS;
        if (needed > part) {
            part = (needed + (1 << 20) - 1) & ~((1L << 20) - 1);
        }
        part = Math.min(part, Math.max(largestObject, 1));
        if (part > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("part size " + part + " is too large");
        }
        return (int) part;
    }

    /** The memory the part buffers take at most. */
    public static long bufferMemory(int partSize, int partsInFlight) {
        return (long) (partsInFlight + 1) * partSize;
    }

    public int partSize() {
        return partSize;
    }

    /** An output stream that becomes the object at {@code key} once closed and {@link Writer#completion()} succeeds. */
    public Writer open(String key) {
        Writer w = new Writer(key, storageClass);
        open.add(w);
        return w;
    }

    /** Uploads a small object in one request, in the given class (markers are always STANDARD). */
    public void putSmall(String key, byte[] data, StorageClass cls) throws IOException {
        try {
            s3.putObject(b -> {
                b.bucket(bucket).key(key).storageClass(cls).contentLength((long) data.length);
                conditions(b);
            }, RequestBody.fromBytes(data));
        } catch (SdkException e) {
            throw S3Errors.io("upload of " + key, e);
        }
    }

    private void conditions(software.amazon.awssdk.services.s3.model.PutObjectRequest.Builder b) {
        if (ifNoneMatch) {
            b.ifNoneMatch("*");
        }
        if (lockMode != null) {
            b.objectLockMode(lockMode).objectLockRetainUntilDate(lockUntil);
        }
    }

    /** Aborts every multipart upload still open: after a failure nothing half-written is left behind. */
    public void abortAll() {
        for (Writer w : List.copyOf(open)) {
            w.abort();
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        completer.shutdownNow();
    }

    private byte[] takeBuffer() throws InterruptedIOException {
        synchronized (this) {
            byte[] b = buffers.poll();
            if (b != null) {
                return b;
            }
            if (allocated < maxBuffers) {
                allocated++;
                return new byte[partSize];
            }
        }
        try {
            return buffers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for an upload to finish");
        }
    }

    private void returnBuffer(byte[] b) {
        buffers.offer(b);
    }

    /** One object being written. */
    public final class Writer extends BulkOutputStream {
        private final String key;
        private final StorageClass cls;
        private final List<Future<CompletedPart>> parts = new ArrayList<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final CompletableFuture<Void> completion = new CompletableFuture<>();
        private volatile String uploadId;
        private byte[] current;
        private int filled;
        private long total;
        private boolean closed;

        private Writer(String key, StorageClass cls) {
            this.key = key;
            this.cls = cls;
        }

        public String key() {
            return key;
        }

        /** Bytes written so far: once closed, the object's size. */
        public long size() {
            return total;
        }


        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkFailure();
            while (len > 0) {
                if (current == null) {
                    current = takeBuffer();
                    filled = 0;
                }
                int n = Math.min(len, partSize - filled);
                System.arraycopy(b, off, current, filled, n);
                filled += n;
                total += n;
                off += n;
                len -= n;
                if (filled == partSize) {
                    submitPart();
                }
            }
        }

        private void submitPart() throws IOException {
            if (uploadId == null) {
                try {
                    uploadId = s3.createMultipartUpload(b -> {
                        b.bucket(bucket).key(key).storageClass(cls);
                        if (lockMode != null) {
                            b.objectLockMode(lockMode).objectLockRetainUntilDate(lockUntil);
                        }
                    }).uploadId();
                } catch (SdkException e) {
                    throw S3Errors.io("upload of " + key, e);
                }
            }
            final byte[] data = current;
            final int length = filled;
            final int number = parts.size() + 1;
            if (number > MAX_PARTS) {
                throw new IOException(key + " needs more than " + MAX_PARTS + " parts");
            }
            current = null;
            filled = 0;
            parts.add(pool.submit(() -> {
                try {
                    String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                                    .partNumber(number).contentLength((long) length),
                            RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length),
                                    length, "application/octet-stream")).eTag();
                    return CompletedPart.builder().partNumber(number).eTag(etag).build();
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                    throw e;
                } finally {
                    returnBuffer(data);
                }
            }));
        }

        private void checkFailure() throws IOException {
            Throwable t = failure.get();
            if (t != null) {
                throw S3Errors.io("upload of " + key, t);
            }
        }

        /**
         * Ends the object. Small objects are stored before this returns; multipart ones are
         * completed in the background: wait on {@link #completion()}.
         */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            checkFailure();
            if (uploadId == null) {
                byte[] data = current != null ? current : new byte[0];
                int length = filled;
                try {
                    s3.putObject(b -> {
                        b.bucket(bucket).key(key).storageClass(cls).contentLength((long) length);
                        conditions(b);
                    }, RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length),
                            length, "application/octet-stream"));
                } catch (SdkException e) {
                    throw S3Errors.io("upload of " + key, e);
                } finally {
                    if (current != null) {
                        returnBuffer(current);
                        current = null;
                    }
                }
                open.remove(this);
                completion.complete(null);
                return;
            }
            if (filled > 0) {
                submitPart();
            } else if (current != null) {
                returnBuffer(current);
                current = null;
            }
            CompletableFuture.runAsync(this::complete, completer).whenComplete((v, t) -> {
                if (t != null) {
                    completion.completeExceptionally(t instanceof java.util.concurrent.CompletionException ? t.getCause() : t);
                } else {
                    completion.complete(null);
                }
            });
        }

        private void complete() {
            List<CompletedPart> done = new ArrayList<>();
            try {
                for (Future<CompletedPart> f : parts) {
                    done.add(f.get());
                }
                s3.completeMultipartUpload(b -> {
                    b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(done));
                    if (ifNoneMatch) {
                        b.ifNoneMatch("*");
                    }
                });
                open.remove(this);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CompletionException(e);
            } catch (ExecutionException e) {
                throw new java.util.concurrent.CompletionException(e.getCause());
            }
        }

        public CompletableFuture<Void> completion() {
            return completion;
        }

        /** Gives up on this object: a multipart upload is aborted so S3 keeps none of its parts. */
        public void abort() {
            closed = true;
            for (Future<CompletedPart> f : parts) {
                f.cancel(true);
            }
            String id = uploadId;
            if (id != null) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id));
                } catch (SdkException e) {
                    // Best effort: the bucket's lifecycle rule for incomplete uploads is the backstop (README).
                }
            }
            open.remove(this);
        }
    }
}
