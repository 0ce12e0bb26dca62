package btrfss3.s3;

import btrfss3.pipeline.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Downloads a sequence of objects ahead of their reader, as ranges fetched in parallel: while
 * one range is consumed, the next {@code window} are on their way, so the network's latency is
 * paid once, not per request. Memory: {@code (window + 1) x rangeSize}. Each range is fetched whole
 * with the SDK's retries, so a reset mid-body is retried like any other failure.
 */
public final class RangePrefetcher implements AutoCloseable {
    /** One object to read: its key and its listed size. */
    public record Item(String key, long size) {}

    private record Range(int item, long start, long end) {}

    private final S3Client s3;
    private final String bucket;
    private final List<Item> items;
    private final List<Range> ranges = new ArrayList<>();
    private final int window;
    private final ExecutorService pool;
    private final Deque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private int nextToFetch;
    private int nextToRead;

    public RangePrefetcher(S3Client s3, String bucket, List<Item> items, int rangeSize, int window) {
        this.s3 = s3;
        this.bucket = bucket;
        this.items = List.copyOf(items);
        this.window = window;
        for (int i = 0; i < items.size(); i++) {
            long size = items.get(i).size();
            for (long start = 0; start < size; start += rangeSize) {
                ranges.add(new Range(i, start, Math.min(size, start + rangeSize) - 1));
            }
        }
        this.pool = Executors.newFixedThreadPool(Math.max(1, window), r -> {
            Thread t = new Thread(r, "s3-prefetch");
            t.setDaemon(true);
            return t;
        });
    }

    /** The stored bytes of item {@code index}; items must be opened in order, each read to its end. */
    public InputStream open(int index) {
        return new BulkInputStream() {
            private byte[] current = new byte[0];
            private int pos;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (pos == current.length) {
                    if (nextToRead >= ranges.size() || ranges.get(nextToRead).item() != index) {
                        return -1;
                    }
                    current = take();
                    pos = 0;
                }
                int n = Math.min(len, current.length - pos);
                System.arraycopy(current, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    private byte[] take() throws IOException {
        while (nextToFetch < ranges.size() && inFlight.size() < window + 1) {
            Range r = ranges.get(nextToFetch++);
            inFlight.add(pool.submit(() -> fetch(r)));
        }
        Range expected = ranges.get(nextToRead++);
        try {
            byte[] data = inFlight.removeFirst().get();
            if (data.length != expected.end() - expected.start() + 1) {
                throw new IOException(items.get(expected.item()).key() + ": got " + data.length + " bytes at offset "
                        + expected.start() + ", expected " + (expected.end() - expected.start() + 1)
                        + " (the object changed during the restore)");
            }
            return data;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException(c.getMessage(), c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    private byte[] fetch(Range r) throws IOException {
        String key = items.get(r.item()).key();
        try {
            return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).range("bytes=" + r.start() + "-" + r.end()))
                    .asByteArrayUnsafe();
        } catch (SdkException e) {
            throw new IOException(key + " could not be read: " + S3Errors.describe(e), e);
        }
    }

    @Override
    public void close() {
        inFlight.forEach(f -> f.cancel(true));
        pool.shutdownNow();
    }
}
