package btrfss3.age;

/**
 * A secret key that can unwrap file keys: X25519 ({@code AGE-SECRET-KEY-1…}) or ML-KEM-768 +
 * X25519 ({@code AGE-SECRET-KEY-PQ-1…}). {@code toString()} never reveals the secret.
 */
public sealed interface Identity permits X25519Identity, HybridIdentity {

    /**
     * Parses an identity string.
     *
     * @throws AgeException of kind KEY_FORMAT, with a message that does not quote the input
     */
    static Identity parse(String encoded) throws AgeException {
        if (encoded.startsWith(HybridIdentity.HRP + "1")) {
            return HybridIdentity.parse(encoded);
        }
        if (encoded.startsWith(X25519Identity.HRP + "1")) {
            return X25519Identity.parse(encoded);
        }
        if (encoded.startsWith("AGE-PLUGIN-")) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT, "age plugin identities are not supported");
        }
        if (encoded.startsWith("age1")) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT,
                    "this is a recipient (public key), not an identity (AGE-SECRET-KEY-…)");
        }
        throw new AgeException(AgeException.Kind.KEY_FORMAT,
                "not an age identity: expected an AGE-SECRET-KEY-1… or AGE-SECRET-KEY-PQ-1… string");
    }

    /** The recipient that files must be encrypted to for this identity to decrypt them. */
    Recipient recipient();

    /**
     * The identity string, i.e. the secret key itself; only for writing it to a protected file.
     */
    String secretKeyString();

    /**
     * Tries to unwrap the file key from one stanza.
     *
     * @return the 16-byte file key, or null if the stanza is of another type or was not made for
     *     this identity
     * @throws AgeException of kind HEADER if the stanza is of this identity's type but malformed
     */
    byte[] unwrap(Stanza stanza) throws AgeException;
}
