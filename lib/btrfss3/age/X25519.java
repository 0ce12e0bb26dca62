package btrfss3.age;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * The X25519 function of RFC 7748 on 32-byte strings, computed by the JDK's XDH (SunEC).
 *
 * <p>Not Bouncy Castle's: its jar is signed, so the first class loaded from it costs a check of
 * the jar's signature (about 0.1 s at every start of backup or restore) and is never kept in the
 * class-data archive. Only the post-quantum recipients still need Bouncy Castle (HPKE, ML-KEM).
 */
final class X25519 {
    static final int LENGTH = 32;

    private static final byte[] BASE_POINT = new byte[LENGTH];

    static {
        BASE_POINT[0] = 9;
    }

    private X25519() {}

    /** {@code scalar} times the base point: the public key of a secret scalar. */
    static byte[] multiplyBase(byte[] scalar) {
        byte[] out = multiply(scalar, BASE_POINT, 0);
        if (out == null) {
            throw new IllegalStateException("a clamped scalar times the base point cannot be zero");
        }
        return out;
    }

    /**
     * {@code scalar} times the point encoded at {@code point[offset..offset+32)}, or null when the
     * result is all zero, which happens exactly for the low-order points.
     */
    static byte[] multiply(byte[] scalar, byte[] point, int offset) {
        if (scalar.length != LENGTH || point.length - offset < LENGTH) {
            throw new IllegalArgumentException("X25519 scalars and points are 32 bytes");
        }
        try {
            KeyFactory keys = KeyFactory.getInstance("XDH", "SunEC");
            var privateKey = keys.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
            var publicKey = keys.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(point, offset)));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH", "SunEC");
            agreement.init(privateKey);
            try {
                agreement.doPhase(publicKey, true);
            } catch (InvalidKeyException e) {
                return null; // SunEC refuses an all-zero shared secret ("point has small order")
            }
            byte[] out = agreement.generateSecret();
            return isZero(out) ? null : out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available from this JDK's SunEC provider", e);
        }
    }

    /**
     * RFC 7748, section 5: little-endian, the top bit ignored; values at or above the field's prime
     * are accepted (the provider reduces them), as every X25519 implementation must.
     */
    private static BigInteger decodeU(byte[] point, int offset) {
        byte[] bigEndian = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            bigEndian[i] = point[offset + LENGTH - 1 - i];
        }
        bigEndian[0] &= 0x7f;
        return new BigInteger(1, bigEndian);
    }

    private static boolean isZero(byte[] b) {
        int acc = 0;
        for (byte x : b) {
            acc |= x;
        }
        return acc == 0;
    }
}
