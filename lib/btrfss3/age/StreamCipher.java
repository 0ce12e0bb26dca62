package btrfss3.age;

import java.util.Arrays;

/**
 * The age payload's STREAM construction: 64 KiB chunks, each sealed with ChaCha20-Poly1305 under
 * the payload key and a nonce made of an 11-byte big-endian chunk counter and a final-chunk flag.
 * The counter and flag make reordering, dropping or appending chunks detectable; this class only
 * enforces the order of calls, the framing is the callers'.
 */
final class StreamCipher {
    static final int CHUNK_SIZE = 64 * 1024;
    static final int TAG_SIZE = ChaChaPoly.TAG_LENGTH;
    static final int SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
    /** Length of the random nonce that starts the payload (not the per-chunk AEAD nonce). */
    static final int PAYLOAD_NONCE_SIZE = 16;

    private final ChaChaPoly aead;
    private final byte[] nonce = new byte[ChaChaPoly.NONCE_LENGTH];
    private long counter;
    private boolean finished;

    StreamCipher(byte[] fileKey, byte[] payloadNonce) {
        this(ChaChaPoly.PREFERRED, fileKey, payloadNonce);
    }

    StreamCipher(ChaChaPoly.Backend backend, byte[] fileKey, byte[] payloadNonce) {
        if (payloadNonce.length != PAYLOAD_NONCE_SIZE) {
            throw new IllegalArgumentException("payload nonce must be 16 bytes");
        }
        byte[] key = Hkdf.sha256(fileKey, payloadNonce, "payload");
        aead = ChaChaPoly.create(backend, key);
        Arrays.fill(key, (byte) 0);
    }

    /** Index of the next chunk to seal or open. */
    long chunkIndex() {
        return counter;
    }

    /** Seals the next chunk into {@code out}; returns the sealed length. */
    int seal(byte[] in, int off, int len, boolean last, byte[] out) {
        checkLength(len);
        checkNotFinished();
        int n = aead.seal(nonce(last), in, off, len, out, 0);
        advance(last);
        return n;
    }

    /**
     * Opens the next chunk into {@code out}, as a final chunk or not; returns the plaintext
     * length, or -1 if it does not authenticate that way, in which case the position does not
     * move and the caller may try the other flag.
     */
    int open(byte[] in, int off, int len, boolean last, byte[] out) {
        checkLength(len - TAG_SIZE);
        checkNotFinished();
        int n = aead.open(nonce(last), in, off, len, out, 0);
        if (n >= 0) {
            advance(last);
        }
        return n;
    }

    boolean finished() {
        return finished;
    }

    private void checkLength(int plaintextLength) {
        if (plaintextLength > CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk larger than 64 KiB");
        }
    }

    private void checkNotFinished() {
        if (finished) {
            throw new IllegalStateException("the final chunk was already processed");
        }
    }

    private byte[] nonce(boolean last) {
        for (int i = 0; i < 8; i++) {
            nonce[10 - i] = (byte) (counter >>> (8 * i));
        }
        nonce[11] = (byte) (last ? 1 : 0);
        return nonce;
    }

    private void advance(boolean last) {
        // 2^63 chunks of 64 KiB are far beyond any file; the 11-byte counter cannot wrap before.
        if (counter == Long.MAX_VALUE) {
            throw new IllegalStateException("too many chunks");
        }
        counter++;
        finished = last;
    }
}
