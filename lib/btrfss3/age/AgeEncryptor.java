package btrfss3.age;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Encrypts to the age v1 binary format (no ASCII armor, no passphrases).
 *
 * <pre>{@code
 * try (OutputStream out = AgeEncryptor.encrypt(Files.newOutputStream(path), recipients)) {
 *     in.transferTo(out);
 * }
 * }</pre>
 */
public final class AgeEncryptor {
    static final int FILE_KEY_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AgeEncryptor() {}

    /**
     * Writes the header to {@code sink} at once and returns a stream that encrypts what is written
     * to it, one 64 KiB chunk at a time, so memory stays bounded whatever the size. Closing the
     * returned stream writes the final chunk and closes {@code sink}; until then the output is not
     * a valid age file. A file that is not closed is detected as truncated on decryption.
     *
     * @throws IllegalArgumentException if there are no recipients, or post-quantum ({@code age1pq1…})
     *     and classic ({@code age1…}) recipients are mixed, which age refuses because the file
     *     would only be as strong as its classic stanzas
     */
    public static OutputStream encrypt(OutputStream sink, List<? extends Recipient> recipients) throws IOException {
        Objects.requireNonNull(sink, "sink");
        checkRecipients(recipients);
        byte[] fileKey = new byte[FILE_KEY_LENGTH];
        RANDOM.nextBytes(fileKey);
        try {
            List<Stanza> stanzas = new ArrayList<>(recipients.size());
            for (Recipient r : recipients) {
                stanzas.add(r.wrap(fileKey));
            }
            byte[] nonce = new byte[StreamCipher.PAYLOAD_NONCE_SIZE];
            RANDOM.nextBytes(nonce);
            StreamCipher cipher = new StreamCipher(fileKey, nonce);
            sink.write(Header.encode(stanzas, fileKey));
            sink.write(nonce);
            return new EncryptingStream(sink, cipher);
        } finally {
            Arrays.fill(fileKey, (byte) 0);
        }
    }

    static void checkRecipients(List<? extends Recipient> recipients) {
        Objects.requireNonNull(recipients, "recipients");
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("at least one recipient is required");
        }
        boolean pq = false;
        boolean classic = false;
        for (Recipient r : recipients) {
            Objects.requireNonNull(r, "recipient");
            pq |= r.isPostQuantum();
            classic |= !r.isPostQuantum();
        }
        if (pq && classic) {
            throw new IllegalArgumentException("post-quantum (age1pq1…) and X25519 (age1…) recipients cannot be mixed:"
                    + " the file would not resist a quantum attacker; encrypt to one kind only");
        }
    }

    /**
     * Buffers one chunk. A full buffer is sealed only when more data arrives, because the last
     * chunk carries the final flag and may itself be full.
     */
    private static final class EncryptingStream extends OutputStream {
        private final OutputStream sink;
        private final StreamCipher cipher;
        private final byte[] buffer = new byte[StreamCipher.CHUNK_SIZE];
        private final byte[] sealed = new byte[StreamCipher.SEALED_CHUNK_SIZE];
        private int buffered;
        private boolean closed;
        private IOException failure;

        EncryptingStream(OutputStream sink, StreamCipher cipher) {
            this.sink = sink;
            this.cipher = cipher;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            checkOpen();
            while (len > 0) {
                if (buffered == buffer.length) {
                    emit(false);
                }
                int n = Math.min(len, buffer.length - buffered);
                System.arraycopy(b, off, buffer, buffered, n);
                buffered += n;
                off += n;
                len -= n;
            }
        }

        private void emit(boolean last) throws IOException {
            int n = cipher.seal(buffer, 0, buffered, last, sealed);
            buffered = 0;
            try {
                sink.write(sealed, 0, n);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        private void checkOpen() throws IOException {
            if (closed) {
                throw new IOException("age stream already closed");
            }
            if (failure != null) {
                throw new IOException("age stream failed earlier: " + failure.getMessage(), failure);
            }
        }

        /** Flushes what is already sealed; a partial chunk stays buffered until it fills or closes. */
        @Override
        public void flush() throws IOException {
            checkOpen();
            sink.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (failure == null) {
                    // Empty only if the whole payload is empty, which the spec allows for the final chunk.
                    emit(true);
                    sink.flush();
                }
            } finally {
                Arrays.fill(buffer, (byte) 0);
                sink.close();
            }
        }
    }
}
