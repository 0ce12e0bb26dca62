package btrfss3.age;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHAKEDigest;
import org.bouncycastle.crypto.hpke.HPKE;

/**
 * The hybrid post-quantum identity type ({@code AGE-SECRET-KEY-PQ-1…}): a 32-byte seed that
 * expands (SHAKE256) into an ML-KEM-768 key pair and an X25519 key pair.
 */
public final class HybridIdentity implements Identity {
    static final String HRP = "AGE-SECRET-KEY-PQ-";
    static final int SEED_LENGTH = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    /** SHAKE256(seed) gives 64 bytes of ML-KEM seed, then the 32-byte X25519 secret. */
    private static final int EXPANDED_LENGTH = 96;
    private static final int X25519_OFFSET = 64;

    private final byte[] seed;
    private final AsymmetricCipherKeyPair keyPair;
    private final byte[] x25519Secret;
    private final HybridRecipient recipient;

    private HybridIdentity(byte[] seed) throws AgeException {
        this.seed = seed.clone();
        HPKE hpke = HybridRecipient.hpke();
        this.keyPair = hpke.deserializePrivateKey(this.seed, null);
        byte[] publicKey = hpke.serializePublicKey(keyPair.getPublic());
        this.recipient = new HybridRecipient(publicKey);

        byte[] expanded = new byte[EXPANDED_LENGTH];
        SHAKEDigest shake = new SHAKEDigest(256);
        shake.update(seed, 0, seed.length);
        shake.doFinal(expanded, 0, expanded.length);
        this.x25519Secret = Arrays.copyOfRange(expanded, X25519_OFFSET, EXPANDED_LENGTH);
        Arrays.fill(expanded, (byte) 0);
        byte[] x25519Public = X25519.multiplyBase(x25519Secret);
        if (!Arrays.equals(x25519Public, Arrays.copyOfRange(publicKey, HybridRecipient.MLKEM_PUBLIC_KEY_LENGTH,
                HybridRecipient.PUBLIC_KEY_LENGTH))) {
            throw new IllegalStateException("hybrid key expansion disagrees with the HPKE implementation");
        }
    }

    /** A new identity from 32 bytes of CSPRNG output. */
    public static HybridIdentity generate() {
        byte[] seed = new byte[SEED_LENGTH];
        RANDOM.nextBytes(seed);
        try {
            return new HybridIdentity(seed);
        } catch (AgeException e) {
            throw new IllegalStateException("a freshly expanded hybrid key failed its own checks", e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** Parses an {@code AGE-SECRET-KEY-PQ-1…} string. */
    public static HybridIdentity parse(String encoded) throws AgeException {
        byte[] seed = KeyStrings.decode(encoded, HRP, SEED_LENGTH, "hybrid identity");
        try {
            return new HybridIdentity(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    @Override
    public HybridRecipient recipient() {
        return recipient;
    }

    @Override
    public String secretKeyString() {
        return Bech32.encode(HRP, seed);
    }

    @Override
    public byte[] unwrap(Stanza stanza) throws AgeException {
        if (!stanza.type().equals(HybridRecipient.STANZA_TYPE)) {
            return null;
        }
        if (stanza.args().size() != 1) {
            throw malformed("expected exactly one argument after the type");
        }
        byte[] enc;
        try {
            enc = CanonicalBase64.decode(stanza.args().get(0), HybridRecipient.ENC_LENGTH);
        } catch (IllegalArgumentException e) {
            throw malformed("encapsulated key: " + e.getMessage());
        }
        // Checked before any decryption so that failures cannot be told apart by body length
        // (partitioning oracles).
        if (stanza.bodyLength() != 16 + ChaChaPoly.TAG_LENGTH) {
            throw malformed("body is not 32 bytes");
        }
        // An X25519 share giving the all-zero secret is rejected as malformed, exactly as for
        // X25519 stanzas, rather than left to the hybrid combiner.
        byte[] shared = X25519.multiply(x25519Secret, enc, HybridRecipient.MLKEM_CIPHERTEXT_LENGTH);
        if (shared == null) {
            throw malformed("X25519 share is a low-order point");
        }
        Arrays.fill(shared, (byte) 0);
        try {
            byte[] fileKey = HybridRecipient.hpke().open(enc, keyPair, HybridRecipient.INFO, HybridRecipient.AAD,
                    stanza.body(), null, null, null);
            return fileKey.length == 16 ? fileKey : null;
        } catch (InvalidCipherTextException e) {
            // ML-KEM rejects implicitly: a stanza for another key just fails the AEAD here.
            return null;
        }
    }

    private static AgeException malformed(String why) {
        return new AgeException(AgeException.Kind.HEADER, "malformed mlkem768x25519 stanza: " + why);
    }

    @Override
    public String toString() {
        return "HybridIdentity[" + abbreviated(recipient.toString()) + "]";
    }

    private static String abbreviated(String recipient) {
        return recipient.substring(0, 16) + "…" + recipient.substring(recipient.length() - 8);
    }
}
