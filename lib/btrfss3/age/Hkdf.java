package btrfss3.age;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF-SHA-256 and HMAC-SHA-256 as the age spec uses them: always 32 bytes out, which is one
 * block of HKDF-Expand. On the JDK's HMAC, for the reason given in {@link X25519}.
 */
final class Hkdf {
    static final int KEY_LENGTH = 32;

    private Hkdf() {}

    /** HKDF-Extract(salt, ikm) then HKDF-Expand(info) to 32 bytes (RFC 5869); an empty salt means none. */
    static byte[] sha256(byte[] ikm, byte[] salt, String info) {
        // RFC 5869 2.2: no salt is a string of HashLen zeros.
        byte[] prk = hmacSha256(salt.length == 0 ? new byte[KEY_LENGTH] : salt, ikm);
        byte[] infoBytes = info.getBytes(StandardCharsets.US_ASCII);
        byte[] first = Arrays.copyOf(infoBytes, infoBytes.length + 1);
        first[infoBytes.length] = 1; // T(1) = HMAC(PRK, "" || info || 0x01)
        byte[] okm = hmacSha256(prk, first);
        Arrays.fill(prk, (byte) 0);
        return okm;
    }

    static byte[] hmacSha256(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256", "SunJCE");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available from this JDK's SunJCE provider", e);
        }
    }
}
