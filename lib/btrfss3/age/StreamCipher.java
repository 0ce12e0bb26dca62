package btrfss3.age;

import java.security.Provider;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The age payload's STREAM construction: 64 KiB chunks, each sealed with ChaCha20-Poly1305 under
 * the payload key and a nonce made of an 11-byte big-endian chunk counter and a final-chunk flag.
 * The counter and flag make reordering, dropping or appending chunks detectable; this class only
 * enforces the order of calls, the framing is the callers'.
 *
 * <p>On JDKs before 20, whose ChaCha20-Poly1305 is plain Java, a stream moves to BoringSSL's (see
 * {@link BoringSsl}) between two chunks once this process has sealed or opened
 * {@value #NATIVE_AFTER_BYTES} bytes in all and the library has loaded in the background. The
 * bytes are the same either way; only the speed changes.
 */
final class StreamCipher {
    static final int CHUNK_SIZE = 64 * 1024;
    static final int TAG_SIZE = ChaChaPoly.TAG_LENGTH;
    static final int SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
    /** Length of the random nonce that starts the payload (not the per-chunk AEAD nonce). */
    static final int PAYLOAD_NONCE_SIZE = 16;
    /**
     * Loading BoringSSL costs about 0.4 s of CPU and saves about 2 ns a byte, so it pays only
     * after a few hundred MB: a process whose streams stay below this never loads it.
     */
    static final long NATIVE_AFTER_BYTES = 64L << 20;

    private static final boolean MOVES_TO_BORINGSSL = Runtime.version().feature() < 20;
    private static final AtomicLong PROCESSED = new AtomicLong();

    private final AtomicLong processed;
    private ChaChaPoly aead;
    /** Kept only while the stream may still move to BoringSSL, which needs it; then wiped. */
    private byte[] key;
    private final byte[] nonce = new byte[ChaChaPoly.NONCE_LENGTH];
    private long counter;
    private boolean finished;

    StreamCipher(byte[] fileKey, byte[] payloadNonce) {
        this(ChaChaPoly.PREFERRED, fileKey, payloadNonce, MOVES_TO_BORINGSSL ? PROCESSED : null);
    }

    /** One backend for the whole stream. */
    StreamCipher(ChaChaPoly.Backend backend, byte[] fileKey, byte[] payloadNonce) {
        this(backend, fileKey, payloadNonce, null);
    }

    /**
     * @param processed bytes sealed and opened so far by the streams that count together (the
     *     process's, outside tests), or null for a stream that never moves
     */
    StreamCipher(ChaChaPoly.Backend backend, byte[] fileKey, byte[] payloadNonce, AtomicLong processed) {
        if (payloadNonce.length != PAYLOAD_NONCE_SIZE) {
            throw new IllegalArgumentException("payload nonce must be 16 bytes");
        }
        this.processed = processed;
        byte[] derived = Hkdf.sha256(fileKey, payloadNonce, "payload");
        aead = ChaChaPoly.create(backend, derived);
        if (processed != null && aead.backend() != ChaChaPoly.Backend.BORINGSSL) {
            key = derived;
            moveIfWorthIt(0);
        } else {
            Arrays.fill(derived, (byte) 0);
        }
    }

    /**
     * For a process that knows, before its streams start, that they will seal or open at least
     * {@code bytes}: if the count would pass the threshold anyway, BoringSSL loads now, beside the
     * run's start-up, and the streams use it from their first chunk once it is there.
     */
    static void expect(long bytes) {
        if (MOVES_TO_BORINGSSL) {
            expect(bytes, PROCESSED);
        }
    }

    static void expect(long bytes, AtomicLong processed) {
        if (bytes >= NATIVE_AFTER_BYTES) {
            processed.accumulateAndGet(NATIVE_AFTER_BYTES, Math::max);
            BoringSsl.loadInBackground();
        }
    }

    ChaChaPoly.Backend backend() {
        return aead.backend();
    }

    /** Index of the next chunk to seal or open. */
    long chunkIndex() {
        return counter;
    }

    /** Seals the next chunk into {@code out}; returns the sealed length. */
    int seal(byte[] in, int off, int len, boolean last, byte[] out) {
        checkLength(len);
        checkNotFinished();
        moveIfWorthIt(len);
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
        moveIfWorthIt(len);
        int n = aead.open(nonce(last), in, off, len, out, 0);
        if (n >= 0) {
            advance(last);
        }
        return n;
    }

    boolean finished() {
        return finished;
    }

    private void moveIfWorthIt(int len) {
        if (key == null || processed.addAndGet(len) < NATIVE_AFTER_BYTES) {
            return;
        }
        Provider boringSsl = BoringSsl.ifLoaded();
        if (boringSsl == null) {
            BoringSsl.loadInBackground();
            return;
        }
        aead = ChaChaPoly.boringSsl(boringSsl, key);
        wipeKey();
    }

    private void wipeKey() {
        if (key != null) {
            Arrays.fill(key, (byte) 0);
            key = null;
        }
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
        if (last) {
            wipeKey();
        }
    }
}
