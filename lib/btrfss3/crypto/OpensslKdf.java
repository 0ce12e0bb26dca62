package btrfss3.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code openssl enc -aes-256-cbc -md sha512 -pbkdf2}: PBKDF2-HMAC-SHA512, 10000 iterations,
 * 48 bytes split into the AES key and the IV. Written out over the JDK's HMAC because the JDK's
 * PBKDF2 takes characters, and the original's passwords are arbitrary (even empty) bytes.
 */
final class OpensslKdf {
    static final int ITERATIONS = 10_000;
    private static final int LENGTH = 48;

    private OpensslKdf() {}

    /** Returns 32 key bytes followed by 16 IV bytes. */
    static byte[] keyAndIv(byte[] password, byte[] salt) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            // HMAC pads a short key with zeros to the block size, so the empty key is the key {0};
            // SecretKeySpec refuses an empty array.
            mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA512"));
            // One block of PBKDF2 (RFC 8018): SHA-512's 64 bytes cover the 48 needed.
            mac.update(salt);
            mac.update(new byte[] {0, 0, 0, 1});
            byte[] u = mac.doFinal();
            byte[] t = u.clone();
            for (int i = 1; i < ITERATIONS; i++) {
                mac.update(u);
                mac.doFinal(u, 0);
                for (int j = 0; j < t.length; j++) {
                    t[j] ^= u[j];
                }
            }
            Arrays.fill(u, (byte) 0);
            byte[] keyIv = Arrays.copyOf(t, LENGTH);
            Arrays.fill(t, (byte) 0);
            return keyIv;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA512 is not available in this Java runtime", e);
        }
    }
}
