package btrfss3.age;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;

/**
 * The hybrid post-quantum recipient type ({@code age1pq1…}, stanza {@code mlkem768x25519}): the
 * file key is sealed with HPKE base mode using the MLKEM768-X25519 KEM (X-Wing), HKDF-SHA256 and
 * ChaCha20Poly1305, with info {@code "age-encryption.org/mlkem768x25519"} and empty AAD.
 */
public final class HybridRecipient implements Recipient {
    static final String HRP = "age1pq";
    static final String STANZA_TYPE = "mlkem768x25519";
    static final byte[] INFO = "age-encryption.org/mlkem768x25519".getBytes(StandardCharsets.US_ASCII);
    static final byte[] AAD = new byte[0];
    /** ML-KEM-768 encapsulation key (1184) followed by the X25519 public key (32). */
    static final int PUBLIC_KEY_LENGTH = 1216;
    static final int MLKEM_PUBLIC_KEY_LENGTH = 1184;
    /** ML-KEM-768 ciphertext (1088) followed by the X25519 ephemeral share (32). */
    static final int ENC_LENGTH = 1120;
    static final int MLKEM_CIPHERTEXT_LENGTH = 1088;

    private static final int MLKEM_Q = 3329;

    private final byte[] publicKey;

    HybridRecipient(byte[] publicKey) throws AgeException {
        if (publicKey.length != PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("hybrid public keys are 1216 bytes");
        }
        if (!mlkemKeyIsCanonical(publicKey)) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT,
                    "invalid hybrid recipient: ML-KEM-768 key fails the FIPS 203 modulus check");
        }
        if (X25519Recipient.isLowOrder(Arrays.copyOfRange(publicKey, MLKEM_PUBLIC_KEY_LENGTH, PUBLIC_KEY_LENGTH))) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT, "invalid hybrid recipient: X25519 low-order point");
        }
        this.publicKey = publicKey.clone();
    }

    /** Parses an {@code age1pq1…} string. */
    public static HybridRecipient parse(String encoded) throws AgeException {
        return new HybridRecipient(KeyStrings.decode(encoded, HRP, PUBLIC_KEY_LENGTH, "hybrid recipient"));
    }

    /**
     * FIPS 203 input check on an encapsulation key: the 3 x 256 12-bit coefficients must all be
     * reduced mod q, or encapsulation would use a different key than the one encoded.
     */
    static boolean mlkemKeyIsCanonical(byte[] key) {
        int polyBytes = 3 * 384;
        boolean ok = true;
        for (int i = 0; i < polyBytes; i += 3) {
            int b0 = key[i] & 0xff;
            int b1 = key[i + 1] & 0xff;
            int b2 = key[i + 2] & 0xff;
            ok &= (b0 | ((b1 & 0x0f) << 8)) < MLKEM_Q;
            ok &= ((b1 >>> 4) | (b2 << 4)) < MLKEM_Q;
        }
        return ok;
    }

    static HPKE hpke() {
        return new HPKE(HPKE.mode_base, HPKE.kem_MLKEM768_X25519, HPKE.kdf_HKDF_SHA256, HPKE.aead_CHACHA20_POLY1305);
    }

    @Override
    public Stanza wrap(byte[] fileKey) {
        if (fileKey.length != AgeEncryptor.FILE_KEY_LENGTH) {
            throw new IllegalArgumentException("age file keys are 16 bytes");
        }
        HPKE hpke = hpke();
        byte[][] sealed;
        try {
            sealed = hpke.seal(hpke.deserializePublicKey(publicKey), INFO, AAD, fileKey, null, null, null);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("HPKE seal failed", e);
        }
        byte[] ciphertext = sealed[0];
        byte[] enc = sealed[1];
        if (enc.length != ENC_LENGTH || ciphertext.length != fileKey.length + ChaChaPoly.TAG_LENGTH) {
            throw new IllegalStateException("unexpected HPKE output sizes");
        }
        return new Stanza(STANZA_TYPE, List.of(CanonicalBase64.encode(enc)), ciphertext);
    }

    @Override
    public boolean isPostQuantum() {
        return true;
    }

    @Override
    public String toString() {
        return Bech32.encode(HRP, publicKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HybridRecipient r && Arrays.equals(publicKey, r.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }
}
