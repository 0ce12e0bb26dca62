package btrfss3.age;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * ChaCha20-Poly1305 (RFC 8439) bound to one key. Not thread-safe: one instance per stream or per
 * stanza.
 *
 * <p>Three implementations sit behind it: the JDK's Cipher, Bouncy Castle's lightweight engine and
 * BoringSSL's through Conscrypt ({@link BoringSsl}). Measured on 64 KiB chunks, one init per chunk
 * as {@link StreamCipher} does it (test-env ChaChaBench, x86-64 with AVX-512, 2 vCPUs):
 *
 * <pre>
 *                       encrypt      decrypt
 *   JDK 17 / JDK        ~360 MB/s    ~360 MB/s
 *   JDK 17 / BC         ~320 MB/s    ~320 MB/s
 *   JDK 17 / BoringSSL  ~2000 MB/s   ~2000 MB/s
 *   JDK 25 / JDK        ~3000 MB/s   ~3000 MB/s   (ChaCha20 and Poly1305 intrinsics, JDK 20+)
 *   JDK 25 / BC         ~340 MB/s    ~340 MB/s
 * </pre>
 *
 * {@link #PREFERRED}, the JDK's, is what every stream starts with and all that key wrapping uses;
 * on JDKs before 20, {@link StreamCipher} moves long streams to BoringSSL where it loads. Bouncy
 * Castle remains the fallback for a runtime whose SunJCE provider lacks the cipher, and a reference
 * the tests compare the others against.
 */
abstract class ChaChaPoly {
    static final int KEY_LENGTH = 32;
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;

    enum Backend { JDK, BOUNCY_CASTLE, BORINGSSL }

    static final Backend PREFERRED = Backend.JDK;

    static ChaChaPoly create(byte[] key) {
        return create(PREFERRED, key);
    }

    static ChaChaPoly create(Backend backend, byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 keys are 32 bytes");
        }
        if (backend == Backend.BORINGSSL) {
            Provider provider = BoringSsl.await();
            if (provider == null) {
                throw new IllegalStateException("BoringSSL's ChaCha20-Poly1305 does not load on this machine");
            }
            return boringSsl(provider, key);
        }
        if (backend == Backend.JDK) {
            try {
                // Named provider: a Bouncy Castle provider registered first must not silently take over.
                return new Jce(Backend.JDK, Cipher.getInstance("ChaCha20-Poly1305", "SunJCE"), key);
            } catch (GeneralSecurityException e) {
                // A JDK without SunJCE's ChaCha20-Poly1305: the lightweight engine is always there.
            }
        }
        return new Lightweight(key);
    }

    /** BoringSSL's, from a provider {@link BoringSsl} has already loaded and checked. */
    static ChaChaPoly boringSsl(Provider provider, byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 keys are 32 bytes");
        }
        try {
            return new Jce(Backend.BORINGSSL, Cipher.getInstance(BoringSsl.ALGORITHM, provider), key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("BoringSSL's ChaCha20-Poly1305 is missing from its provider", e);
        }
    }

    abstract Backend backend();

    /** Encrypts {@code len} bytes and appends the tag; returns {@code len + TAG_LENGTH}. */
    abstract int seal(byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff);

    /**
     * Verifies and decrypts {@code len} bytes (tag included) into {@code out}; returns the
     * plaintext length, or -1 if the tag does not verify, in which case the output region is zeroed.
     */
    abstract int open(byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff);

    /** A JCE Cipher: the JDK's own, or BoringSSL's through Conscrypt's provider. */
    private static final class Jce extends ChaChaPoly {
        private final Backend backend;
        private Cipher cipher;
        private final SecretKeySpec key;
        private final byte[] lastNonce = new byte[NONCE_LENGTH];
        private boolean used;

        Jce(Backend backend, Cipher cipher, byte[] key) {
            this.backend = backend;
            this.cipher = cipher;
            this.key = new SecretKeySpec(key, "ChaCha20");
        }

        /**
         * The JDK refuses to initialise a Cipher twice in a row with the same key and nonce, in
         * either direction (JDK 17); a legitimate repeat, such as opening what was just sealed,
         * gets a fresh Cipher.
         */
        private Cipher cipherFor(int mode, byte[] nonce) throws GeneralSecurityException {
            if (used && Arrays.equals(nonce, lastNonce)) {
                cipher = Cipher.getInstance(cipher.getAlgorithm(), cipher.getProvider());
            }
            cipher.init(mode, key, new IvParameterSpec(nonce));
            System.arraycopy(nonce, 0, lastNonce, 0, NONCE_LENGTH);
            used = true;
            return cipher;
        }

        @Override
        Backend backend() {
            return backend;
        }

        @Override
        int seal(byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff) {
            try {
                return cipherFor(Cipher.ENCRYPT_MODE, nonce).doFinal(in, inOff, len, out, outOff);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
            }
        }

        @Override
        int open(byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff) {
            if (len < TAG_LENGTH) {
                return -1;
            }
            try {
                return cipherFor(Cipher.DECRYPT_MODE, nonce).doFinal(in, inOff, len, out, outOff);
            } catch (AEADBadTagException e) {
                Arrays.fill(out, outOff, outOff + len - TAG_LENGTH, (byte) 0);
                return -1;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
            }
        }
    }

    private static final class Lightweight extends ChaChaPoly {
        private final org.bouncycastle.crypto.modes.ChaCha20Poly1305 aead =
                new org.bouncycastle.crypto.modes.ChaCha20Poly1305();
        private final KeyParameter key;

        Lightweight(byte[] key) {
            this.key = new KeyParameter(key);
        }

        @Override
        Backend backend() {
            return Backend.BOUNCY_CASTLE;
        }

        @Override
        int seal(byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff) {
            aead.init(true, new AEADParameters(key, TAG_LENGTH * 8, nonce));
            int n = aead.processBytes(in, inOff, len, out, outOff);
            try {
                return n + aead.doFinal(out, outOff + n);
            } catch (InvalidCipherTextException e) {
                throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
            }
        }

        @Override
        int open(byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff) {
            if (len < TAG_LENGTH) {
                return -1;
            }
            aead.init(false, new AEADParameters(key, TAG_LENGTH * 8, nonce));
            // Bouncy Castle writes plaintext before it has checked the tag: it goes to a buffer the
            // caller releases only on success, and is wiped here on failure.
            int n = aead.processBytes(in, inOff, len, out, outOff);
            try {
                return n + aead.doFinal(out, outOff + n);
            } catch (InvalidCipherTextException e) {
                Arrays.fill(out, outOff, outOff + len - TAG_LENGTH, (byte) 0);
                return -1;
            }
        }
    }
}
