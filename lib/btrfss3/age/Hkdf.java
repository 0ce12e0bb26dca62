package btrfss3.age;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** HKDF-SHA-256 and HMAC-SHA-256 as the age spec uses them: always 32 bytes out. */
final class Hkdf {
    static final int KEY_LENGTH = 32;

    private Hkdf() {}

    /** HKDF-Extract(salt, ikm) then HKDF-Expand(info) to 32 bytes (RFC 5869); an empty salt means none. */
    static byte[] sha256(byte[] ikm, byte[] salt, String info) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, salt.length == 0 ? null : salt, info.getBytes(StandardCharsets.US_ASCII)));
        byte[] out = new byte[KEY_LENGTH];
        hkdf.generateBytes(out, 0, out.length);
        return out;
    }

    static byte[] hmacSha256(byte[] key, byte[] message) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        mac.update(message, 0, message.length);
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return out;
    }
}
