package btrfss3.crypto;

import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * {@code openssl enc -aes-256-cbc -md sha512 -pbkdf2}: PBKDF2-HMAC-SHA512, 10000 iterations,
 * 48 bytes split into the AES key and the IV. Bouncy Castle's generator is used because the
 * JDK's PBKDF2 takes characters, and the original's passwords are arbitrary (even empty) bytes.
 */
final class OpensslKdf {
    static final int ITERATIONS = 10_000;

    private OpensslKdf() {}

    /** Returns 32 key bytes followed by 16 IV bytes. */
    static byte[] keyAndIv(byte[] password, byte[] salt) {
        var generator = new PKCS5S2ParametersGenerator(new SHA512Digest());
        generator.init(password, salt, ITERATIONS);
        return ((KeyParameter) generator.generateDerivedParameters(48 * 8)).getKey();
    }
}
