package btrfss3.pipeline;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Moves the work of a downstream stream (encryption, here) onto a thread of its own: writes fill
 * buffers that a worker hands to the downstream, through a queue of bounded depth, so the writer
 * and the worker run on two cores and memory stays at {@code depth x bufferSize}. Closing hands
 * over the last buffer and returns at once; {@link #done()} completes when the downstream is
 * closed, or fails with its error.
 */
public final class StageOutputStream extends BulkOutputStream {
    private static final byte[] END = new byte[0];

    private final BlockingQueue<Buffer> queue;
    private final BlockingQueue<byte[]> free;
    private final int bufferSize;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private byte[] current;
    private int filled;
    private boolean closed;

    private record Buffer(byte[] data, int length) {}

    public StageOutputStream(OutputStream downstream, int bufferSize, int depth, Executor executor) {
        this.bufferSize = bufferSize;
        this.queue = new ArrayBlockingQueue<>(depth + 1);
        this.free = new ArrayBlockingQueue<>(depth + 1);
        executor.execute(() -> drain(downstream));
    }

    private void drain(OutputStream downstream) {
        try (downstream) {
            while (true) {
                Buffer b = queue.take();
                if (b.data == END) {
                    break;
                }
                downstream.write(b.data, 0, b.length);
                free.offer(b.data);
            }
        } catch (Throwable t) {
            done.completeExceptionally(t);
            queue.clear(); // unblocks a writer waiting for room
            return;
        }
        done.complete(null);
    }


    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (current == null) {
                byte[] reused = free.poll();
                current = reused != null ? reused : new byte[bufferSize];
                filled = 0;
            }
            int n = Math.min(len, bufferSize - filled);
            System.arraycopy(b, off, current, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == bufferSize) {
                hand(new Buffer(current, filled));
                current = null;
            }
        }
    }

    private void hand(Buffer b) throws IOException {
        failIfDownstreamFailed();
        try {
            // A failing worker empties the queue before it stops, so this never waits for a dead one;
            // the next hand-over then reports its error.
            queue.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    private void failIfDownstreamFailed() throws IOException {
        if (done.isCompletedExceptionally()) {
            try {
                done.join();
            } catch (java.util.concurrent.CompletionException e) {
                // A new exception each time: the writer may see the error twice (write, then close),
                // and try-with-resources cannot add an exception to itself as suppressed.
                Throwable cause = e.getCause();
                throw new IOException(cause.getMessage(), cause);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null && filled > 0) {
            hand(new Buffer(current, filled));
        }
        current = null;
        hand(new Buffer(END, 0));
    }

    /** Completes once everything was written downstream and the downstream was closed. */
    public CompletableFuture<Void> done() {
        return done;
    }
}
