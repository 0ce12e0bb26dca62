package btrfss3.age;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/** The native X25519 recipient type ({@code age1…}, stanza {@code X25519}). */
public final class X25519Recipient implements Recipient {
    static final String HRP = "age";
    static final String STANZA_TYPE = "X25519";
    static final String INFO = "age-encryption.org/v1/X25519";
    static final int KEY_LENGTH = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] ZERO_NONCE = new byte[ChaChaPoly.NONCE_LENGTH];

    private final byte[] publicKey;

    X25519Recipient(byte[] publicKey) throws AgeException {
        if (publicKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 public keys are 32 bytes");
        }
        if (isLowOrder(publicKey)) {
            // Every shared secret with such a point is zero: a file for it would have no secret key.
            throw new AgeException(AgeException.Kind.KEY_FORMAT, "invalid X25519 recipient: low-order point");
        }
        this.publicKey = publicKey.clone();
    }

    /** Parses an {@code age1…} string. */
    public static X25519Recipient parse(String encoded) throws AgeException {
        return new X25519Recipient(KeyStrings.decode(encoded, HRP, KEY_LENGTH, "X25519 recipient"));
    }

    /** Clamped scalars are multiples of 8, so one fixed scalar finds every point of order dividing 8. */
    static boolean isLowOrder(byte[] point) {
        byte[] scalar = new byte[KEY_LENGTH];
        Arrays.fill(scalar, (byte) 0x5a);
        return X25519.multiply(scalar, point, 0) == null;
    }

    byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public Stanza wrap(byte[] fileKey) {
        if (fileKey.length != AgeEncryptor.FILE_KEY_LENGTH) {
            throw new IllegalArgumentException("age file keys are 16 bytes");
        }
        byte[] ephemeral = new byte[KEY_LENGTH];
        RANDOM.nextBytes(ephemeral);
        byte[] share = X25519.multiplyBase(ephemeral);
        byte[] shared = X25519.multiply(ephemeral, publicKey, 0);
        Arrays.fill(ephemeral, (byte) 0);
        if (shared == null) {
            throw new IllegalStateException("X25519 agreement produced the all-zero secret");
        }
        byte[] wrapKey = wrapKey(shared, share, publicKey);
        byte[] body = new byte[fileKey.length + ChaChaPoly.TAG_LENGTH];
        ChaChaPoly.create(wrapKey).seal(ZERO_NONCE, fileKey, 0, fileKey.length, body, 0);
        Arrays.fill(wrapKey, (byte) 0);
        return new Stanza(STANZA_TYPE, List.of(CanonicalBase64.encode(share)), body);
    }

    /** HKDF over the shared secret, salted with both public values to bind the wrap to this exchange. */
    static byte[] wrapKey(byte[] shared, byte[] share, byte[] recipientKey) {
        byte[] salt = new byte[2 * KEY_LENGTH];
        System.arraycopy(share, 0, salt, 0, KEY_LENGTH);
        System.arraycopy(recipientKey, 0, salt, KEY_LENGTH, KEY_LENGTH);
        byte[] key = Hkdf.sha256(shared, salt, INFO);
        Arrays.fill(shared, (byte) 0);
        return key;
    }

    static byte[] zeroNonce() {
        return ZERO_NONCE.clone();
    }

    @Override
    public boolean isPostQuantum() {
        return false;
    }

    @Override
    public String toString() {
        return Bech32.encode(HRP, publicKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof X25519Recipient r && Arrays.equals(publicKey, r.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }
}
