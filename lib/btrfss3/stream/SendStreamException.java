package btrfss3.stream;

import java.io.IOException;

/**
 * A btrfs send stream is damaged, truncated, extended or not a send stream at all. It is an
 * {@link IOException} so that it can surface from {@code InputStream.read}.
 */
public final class SendStreamException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long offset;
    private final long command;

    SendStreamException(String message, long offset, long command) {
        super(message);
        this.offset = offset;
        this.command = command;
    }

    /**
     * Byte offset in the stream of what is wrong: the start of the faulty command, the first byte
     * after END, or the end of the stream when it stops too early.
     */
    public long offset() {
        return offset;
    }

    /** The 1-based number of the command concerned, or 0 when the problem is in the stream header. */
    public long command() {
        return command;
    }
}
