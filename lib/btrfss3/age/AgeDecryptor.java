package btrfss3.age;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Decrypts the age v1 binary format (no ASCII armor, no passphrases), streaming: memory stays at
 * a few 64 KiB buffers whatever the file size.
 */
public final class AgeDecryptor {
    private AgeDecryptor() {}

    /**
     * Reads and checks the header, then returns a stream of the plaintext. Header, recipient and
     * MAC problems are thrown from here; payload problems from {@code read}, as
     * {@link AgeException.Kind#PAYLOAD}, after all the plaintext that authenticated before the
     * problem. Plaintext is released a chunk at a time and only once that chunk's tag verifies.
     * End of stream is reported only once the final chunk verified and nothing followed it; data
     * after the final chunk is a PAYLOAD failure raised after that chunk's plaintext.
     *
     * <p>Closing the returned stream closes {@code source}. If this method throws, {@code source}
     * is left open for the caller to close.
     *
     * @throws AgeException of kind HEADER (malformed header or stanza), NO_MATCH (no identity
     *     unwraps any stanza) or HMAC (header altered)
     */
    public static InputStream decrypt(InputStream source, List<? extends Identity> identities) throws IOException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(identities, "identities");
        if (identities.isEmpty()) {
            throw new IllegalArgumentException("at least one identity is required");
        }
        InputStream in = new BufferedInputStream(source, 16 * 1024);
        Header header = Header.read(in);
        checkStanzaMix(header.stanzas);

        byte[] fileKey = unwrap(header.stanzas, identities);
        try {
            if (!header.macMatches(fileKey)) {
                throw new AgeException(AgeException.Kind.HMAC,
                        "header MAC does not verify: the header was modified or is corrupted");
            }
            byte[] nonce = in.readNBytes(StreamCipher.PAYLOAD_NONCE_SIZE);
            if (nonce.length < StreamCipher.PAYLOAD_NONCE_SIZE) {
                throw new AgeException(AgeException.Kind.HEADER, "file ends before the payload nonce");
            }
            return new DecryptingStream(in, new StreamCipher(fileKey, nonce));
        } finally {
            Arrays.fill(fileKey, (byte) 0);
        }
    }

    /**
     * Says that this process is about to open about {@code bytes} of age files. Where that is
     * enough for BoringSSL's ChaCha20-Poly1305 to pay (JDK 17 to 19, see {@link BoringSsl}), it
     * starts loading now, so that the payloads use it from their first chunk rather than after
     * 64 MiB; otherwise nothing happens.
     */
    public static void expect(long bytes) {
        StreamCipher.expect(bytes);
    }

    /** A passphrase (scrypt) stanza must be alone, so that passphrase files stay authenticated. */
    private static void checkStanzaMix(List<Stanza> stanzas) throws AgeException {
        if (stanzas.size() > 1 && stanzas.stream().anyMatch(s -> s.type().equals("scrypt"))) {
            throw new AgeException(AgeException.Kind.HEADER, "an scrypt stanza must be the only stanza in the header");
        }
    }

    private static byte[] unwrap(List<Stanza> stanzas, List<? extends Identity> identities) throws AgeException {
        for (Stanza stanza : stanzas) {
            for (Identity identity : identities) {
                byte[] fileKey = identity.unwrap(stanza);
                if (fileKey != null) {
                    return fileKey;
                }
            }
        }
        throw new AgeException(AgeException.Kind.NO_MATCH,
                "no identity matches any of the file's " + stanzas.size() + " recipient stanza(s)");
    }

    /**
     * Plaintext a chunk at a time. Whether a full-size chunk is the final one is learnt by
     * authenticating it as a middle chunk first and as the final chunk second: the flag is bound
     * into the nonce, so only one can verify.
     */
    private static final class DecryptingStream extends InputStream {
        private final InputStream in;
        private final StreamCipher cipher;
        private final byte[] sealed = new byte[StreamCipher.SEALED_CHUNK_SIZE];
        private final byte[] plain = new byte[StreamCipher.CHUNK_SIZE];
        private int pos;
        private int limit;
        private boolean atEnd;
        private AgeException failure;
        private boolean closed;

        DecryptingStream(InputStream in, StreamCipher cipher) {
            this.in = in;
            this.cipher = cipher;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("stream closed");
            }
            if (len == 0) {
                return 0;
            }
            while (pos == limit) {
                if (atEnd) {
                    return -1;
                }
                nextChunk();
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(plain, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return limit - pos;
        }

        private void nextChunk() throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (cipher.finished()) {
                // End of stream is only reported once nothing follows the final chunk.
                if (in.read() >= 0) {
                    throw fail("data after the final chunk");
                }
                atEnd = true;
                return;
            }
            long index = cipher.chunkIndex();
            int n = in.readNBytes(sealed, 0, sealed.length);
            if (n == 0) {
                throw fail(index == 0 ? "payload has no chunks: the file is truncated"
                        : "payload ends without a final chunk: the file is truncated");
            }
            if (n < StreamCipher.TAG_SIZE) {
                throw fail("chunk " + index + " is too short to hold its tag: the file is truncated");
            }
            int m = -1;
            if (n == sealed.length) {
                m = cipher.open(sealed, 0, n, false, plain);
            }
            if (m < 0) {
                if (n == StreamCipher.TAG_SIZE && index > 0) {
                    throw fail("final chunk is empty, which only an empty payload may have");
                }
                m = cipher.open(sealed, 0, n, true, plain);
            }
            if (m < 0) {
                throw fail("chunk " + index + " does not authenticate: the file is corrupted or truncated");
            }
            pos = 0;
            limit = m;
        }

        private AgeException fail(String message) {
            failure = new AgeException(AgeException.Kind.PAYLOAD, message);
            return failure;
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                Arrays.fill(plain, (byte) 0);
                in.close();
            }
        }
    }
}
