package btrfss3.s3;

import btrfss3.pipeline.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.RetryableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Downloads a sequence of objects ahead of their reader, as ranges fetched in parallel: while
 * one range is consumed, the next {@code window} are on their way, so the network's latency is
 * paid once, not per request.
 *
 * <p>Each range's body is read straight into one of {@code window + 1} reused buffers of the range
 * size (memory: {@code (window + 1) x rangeSize}, allocated as needed), with no copy in between; a
 * buffer goes back to the pool when the reader moves on to the next range. A body that breaks off
 * (reset, timeout) fails the attempt, and the SDK's retries fetch the whole range again. A response
 * that says the object is not the size it was listed with fails at once, naming the object.
 */
public final class RangePrefetcher implements AutoCloseable {
    /** One object to read: its key and its listed size. */
    public record Item(String key, long size) {}

    private record Range(int item, long start, int length) {}

    /** A range on its way, and the buffer it is read into. */
    private record Fetch(Range range, byte[] buffer, Future<byte[]> result) {}

    private final S3Client s3;
    private final String bucket;
    private final List<Item> items;
    private final List<Range> ranges = new ArrayList<>();
    private final int window;
    private final int bufferSize;
    private final ExecutorService pool;
    private final Deque<Fetch> inFlight = new ArrayDeque<>();
    private final Deque<byte[]> free = new ArrayDeque<>();
    /** Bodies being read, so that closing can break off their connections. */
    private final Set<AbortableInputStream> reading = ConcurrentHashMap.newKeySet();
    private int allocated;
    private int nextToFetch;
    private int nextToRead;
    /** The range the reader is in, and where: the buffer stays the reader's until it moves on. */
    private byte[] held;
    private int pos;
    private int limit;
    private volatile boolean closed;

    public RangePrefetcher(S3Client s3, String bucket, List<Item> items, int rangeSize, int window) {
        if (rangeSize <= 0 || window < 0) {
            throw new IllegalArgumentException("range size " + rangeSize + ", window " + window);
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.items = List.copyOf(items);
        this.window = window;
        int largest = 0;
        for (int i = 0; i < items.size(); i++) {
            long size = items.get(i).size();
            for (long start = 0; start < size; start += rangeSize) {
                int length = (int) Math.min(rangeSize, size - start);
                ranges.add(new Range(i, start, length));
                largest = Math.max(largest, length);
            }
        }
        this.bufferSize = largest;
        this.pool = Executors.newFixedThreadPool(Math.max(1, window), r -> {
            Thread t = new Thread(r, "s3-prefetch");
            t.setDaemon(true);
            return t;
        });
    }

    /** The stored bytes of item {@code index}; items must be opened in order, each read to its end. */
    public InputStream open(int index) {
        return new BulkInputStream() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                while (pos == limit) {
                    if (nextToRead >= ranges.size() || ranges.get(nextToRead).item() != index) {
                        return -1;
                    }
                    take();
                }
                int n = Math.min(len, limit - pos);
                System.arraycopy(held, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    /** Gives the reader's buffer back, keeps {@code window + 1} ranges on their way, waits for the next. */
    private void take() throws IOException {
        if (held != null) {
            free.push(held);
            held = null;
            pos = limit = 0;
        }
        Fetch f;
        synchronized (inFlight) { // against close() from another thread
            if (closed) {
                throw new IOException("closed");
            }
            while (nextToFetch < ranges.size() && inFlight.size() < window + 1) {
                Range r = ranges.get(nextToFetch++);
                byte[] buffer = free.isEmpty() ? allocate() : free.pop();
                inFlight.add(new Fetch(r, buffer, pool.submit(() -> fetch(r, buffer))));
            }
            nextToRead++;
            f = inFlight.removeFirst();
        }
        try {
            f.result().get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException(c.getMessage(), c);
        } catch (java.util.concurrent.CancellationException e) {
            throw new IOException("closed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        held = f.buffer();
        pos = 0;
        limit = f.range().length();
    }

    private byte[] allocate() {
        // At most window + 1: the reader holds none while it tops up the ranges in flight.
        if (allocated > window) {
            throw new IllegalStateException("more than " + (window + 1) + " range buffers");
        }
        allocated++;
        return new byte[bufferSize];
    }

    private byte[] fetch(Range r, byte[] buffer) throws IOException {
        Item item = items.get(r.item());
        try {
            return s3.getObject(b -> b.bucket(bucket).key(item.key())
                            .range("bytes=" + r.start() + "-" + (r.start() + r.length() - 1)),
                    (ResponseTransformer<GetObjectResponse, byte[]>) (response, body) -> readBody(item, r, buffer, response, body));
        } catch (SdkException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof NotRetriedException m) {
                    throw new IOException(m.getMessage(), e);
                }
            }
            throw new IOException(item.key() + " could not be read" + (closed ? " (closed)" : "") + ": "
                    + S3Errors.describe(e), e);
        }
    }

    /**
     * One attempt at a range's body, into {@code buffer} from its start (a retry starts over). A
     * broken-off body is retryable; a size other than the listed one is not.
     */
    private byte[] readBody(Item item, Range r, byte[] buffer, GetObjectResponse response, AbortableInputStream body)
            throws IOException {
        checkSize(item, r, response);
        reading.add(body);
        try {
            if (closed) {
                throw new IOException("closed");
            }
            int n = body.readNBytes(buffer, 0, r.length());
            if (n < r.length()) {
                throw new java.io.EOFException("the body ended after " + n + " of " + r.length() + " bytes");
            }
            return buffer;
        } catch (IOException e) {
            if (closed) {
                throw new NotRetriedException(item.key() + ": download cancelled");
            }
            throw RetryableException.builder().message(item.key() + ": the download of bytes " + r.start() + "-"
                    + (r.start() + r.length() - 1) + " broke off: " + e).cause(e).build();
        } finally {
            reading.remove(body);
        }
    }

    /** The response's Content-Range names the object's size: it must be the listed one. */
    private static void checkSize(Item item, Range r, GetObjectResponse response) throws NotRetriedException {
        String range = response.contentRange();
        long total = -1;
        if (range != null) {
            int slash = range.lastIndexOf('/');
            if (slash >= 0 && !range.endsWith("*")) {
                try {
                    total = Long.parseLong(range.substring(slash + 1).trim());
                } catch (NumberFormatException e) {
                    total = -1;
                }
            }
        } else if (r.start() == 0 && response.contentLength() != null) {
            total = response.contentLength(); // a store that ignores Range sends the whole object
        }
        if (total >= 0 && total != item.size()) {
            throw new NotRetriedException(item.key() + " is " + total + " bytes, not the " + item.size()
                    + " it was listed with (the object changed during the restore)");
        }
        Long length = response.contentLength();
        if (length != null && length != r.length()) {
            throw new NotRetriedException(item.key() + ": got " + length + " bytes at offset " + r.start()
                    + ", expected " + r.length() + " (the object changed during the restore)");
        }
    }

    /** Not retried: the object is not what was listed, or the prefetcher was closed. */
    private static final class NotRetriedException extends IOException {
        NotRetriedException(String message) {
            super(message);
        }
    }

    /** Buffers made so far (for tests): never more than {@code window + 1}. */
    int buffersAllocated() {
        return allocated;
    }

    /** The size of each buffer: the range size, or the largest range when all are smaller. */
    int bufferSize() {
        return bufferSize;
    }

    /** Cancels what is on its way and breaks off the bodies being read; the reader's next read fails. */
    @Override
    public void close() {
        synchronized (inFlight) {
            closed = true;
            inFlight.forEach(f -> f.result().cancel(true));
            inFlight.clear();
        }
        for (AbortableInputStream body : reading) {
            body.abort();
        }
        pool.shutdownNow();
    }
}
