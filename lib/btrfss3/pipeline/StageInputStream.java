package btrfss3.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads an upstream (downloads and decryption, here) on a thread of its own, ahead of the
 * reader, through a queue of bounded depth: the two run on two cores, and memory stays at
 * {@code (depth + 2) x bufferSize} (the queue, the buffer being filled and the one being read),
 * in buffers that are reused, not allocated for every fill. An upstream error reaches the reader
 * after the bytes before it.
 */
public final class StageInputStream extends BulkInputStream {
    private record Chunk(byte[] data, int length, IOException error) {
        static final Chunk END = new Chunk(new byte[0], -1, null);
    }

    private final BlockingQueue<Chunk> queue;
    /** Buffers the reader is done with, for the worker to fill again. */
    private final BlockingQueue<byte[]> free;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stage-read");
        t.setDaemon(true);
        return t;
    });
    private final Future<?> task;
    private final InputStream upstream;
    private Chunk current;
    private int pos;

    public StageInputStream(InputStream upstream, int bufferSize, int depth) {
        this.upstream = upstream;
        this.queue = new ArrayBlockingQueue<>(depth);
        this.free = new ArrayBlockingQueue<>(depth + 2);
        this.task = worker.submit(() -> pump(bufferSize, depth + 2));
    }

    private void pump(int bufferSize, int maxBuffers) {
        try {
            int allocated = 0;
            while (true) {
                byte[] buf = free.poll();
                if (buf == null) {
                    if (allocated < maxBuffers) {
                        allocated++;
                        buf = new byte[bufferSize];
                    } else {
                        buf = free.take();
                    }
                }
                int n = upstream.readNBytes(buf, 0, bufferSize);
                if (n > 0) {
                    queue.put(new Chunk(buf, n, null));
                }
                if (n < bufferSize) {
                    queue.put(Chunk.END);
                    return;
                }
            }
        } catch (IOException e) {
            putQuietly(new Chunk(null, -1, e));
        } catch (RuntimeException e) {
            putQuietly(new Chunk(null, -1, new IOException(e.toString(), e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void putQuietly(Chunk c) {
        try {
            queue.put(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }


    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || pos == current.length()) {
            if (current == Chunk.END) {
                return -1;
            }
            if (current != null && current.data() != null && current.length() > 0) {
                free.offer(current.data());
            }
            try {
                current = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            pos = 0;
            if (current.error() != null) {
                IOException e = current.error();
                current = Chunk.END;
                throw e;
            }
            if (current == Chunk.END) {
                return -1;
            }
        }
        int n = Math.min(len, current.length() - pos);
        System.arraycopy(current.data(), pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        task.cancel(true);
        worker.shutdownNow();
        upstream.close();
    }
}
