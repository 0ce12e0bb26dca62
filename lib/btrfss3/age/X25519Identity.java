package btrfss3.age;

import java.security.SecureRandom;
import java.util.Arrays;

/** The native X25519 identity type ({@code AGE-SECRET-KEY-1…}). */
public final class X25519Identity implements Identity {
    static final String HRP = "AGE-SECRET-KEY-";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] secret;
    private final X25519Recipient recipient;

    private X25519Identity(byte[] secret) throws AgeException {
        this.secret = secret.clone();
        this.recipient = new X25519Recipient(X25519.multiplyBase(secret));
    }

    /** A new identity from 32 bytes of CSPRNG output. */
    public static X25519Identity generate() {
        byte[] secret = new byte[X25519Recipient.KEY_LENGTH];
        RANDOM.nextBytes(secret);
        try {
            return new X25519Identity(secret);
        } catch (AgeException e) {
            throw new IllegalStateException("a clamped scalar times the base point cannot be low order", e);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Parses an {@code AGE-SECRET-KEY-1…} string. */
    public static X25519Identity parse(String encoded) throws AgeException {
        byte[] secret = KeyStrings.decode(encoded, HRP, X25519Recipient.KEY_LENGTH, "X25519 identity");
        try {
            return new X25519Identity(secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    @Override
    public X25519Recipient recipient() {
        return recipient;
    }

    @Override
    public String secretKeyString() {
        return Bech32.encode(HRP, secret);
    }

    @Override
    public byte[] unwrap(Stanza stanza) throws AgeException {
        if (!stanza.type().equals(X25519Recipient.STANZA_TYPE)) {
            return null;
        }
        if (stanza.args().size() != 1) {
            throw malformed("expected exactly one argument after the type");
        }
        byte[] share;
        try {
            share = CanonicalBase64.decode(stanza.args().get(0), X25519Recipient.KEY_LENGTH);
        } catch (IllegalArgumentException e) {
            throw malformed("ephemeral share: " + e.getMessage());
        }
        // Checked before any decryption so that failures cannot be told apart by body length
        // (partitioning oracles).
        if (stanza.bodyLength() != 16 + ChaChaPoly.TAG_LENGTH) {
            throw malformed("body is not 32 bytes");
        }
        byte[] shared = X25519.multiply(secret, share, 0);
        if (shared == null) {
            throw malformed("ephemeral share is a low-order point");
        }
        byte[] wrapKey = X25519Recipient.wrapKey(shared, share, recipient.publicKey());
        byte[] body = stanza.body();
        byte[] fileKey = new byte[16];
        int n = ChaChaPoly.create(wrapKey).open(X25519Recipient.zeroNonce(), body, 0, body.length, fileKey, 0);
        Arrays.fill(wrapKey, (byte) 0);
        return n < 0 ? null : fileKey;
    }

    private static AgeException malformed(String why) {
        return new AgeException(AgeException.Kind.HEADER, "malformed X25519 stanza: " + why);
    }

    @Override
    public String toString() {
        return "X25519Identity[" + recipient + "]";
    }
}
