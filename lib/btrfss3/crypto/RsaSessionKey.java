package btrfss3.crypto;

import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import javax.crypto.Cipher;

/**
 * The completion marker of the openssl format: the session password encrypted as
 * {@code openssl pkeyutl -encrypt -pubin} does by default (RSA, PKCS#1 v1.5 padding).
 */
public final class RsaSessionKey {
    private RsaSessionKey() {}

    public static byte[] encrypt(OpensslPassword password, RSAPublicKey key) {
        byte[] contents = password.keyFileContents();
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            rsa.init(Cipher.ENCRYPT_MODE, key);
            return rsa.doFinal(contents);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA encryption failed: " + e.getClass().getSimpleName(), e);
        } finally {
            java.util.Arrays.fill(contents, (byte) 0);
        }
    }

    /** The raw session-key file contents; throws when the marker was not made for this key. */
    public static byte[] decrypt(byte[] marker, RSAPrivateKey key) throws GeneralSecurityException {
        Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        rsa.init(Cipher.DECRYPT_MODE, key);
        return rsa.doFinal(marker);
    }
}
