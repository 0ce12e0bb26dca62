package btrfss3.age;

/**
 * Someone a file is encrypted to: wraps the file key into a header stanza. The two native
 * public-key types are supported: X25519 ({@code age1…}) and ML-KEM-768 + X25519
 * ({@code age1pq1…}). {@code toString()} gives the recipient string.
 */
public sealed interface Recipient permits X25519Recipient, HybridRecipient {

    /**
     * Parses a recipient string.
     *
     * @throws AgeException of kind KEY_FORMAT, with a message that does not quote the input
     */
    static Recipient parse(String encoded) throws AgeException {
        if (encoded.startsWith(HybridRecipient.HRP + "1")) {
            return HybridRecipient.parse(encoded);
        }
        if (encoded.startsWith(X25519Recipient.HRP + "1")) {
            // age1<name>1… is a plugin or tagged (hardware) recipient; the X25519 data part
            // cannot contain a '1', so a second one gives it away.
            if (encoded.indexOf('1', 4) >= 0) {
                throw new AgeException(AgeException.Kind.KEY_FORMAT,
                        "unsupported recipient type: only age1… (X25519) and age1pq1… (ML-KEM-768 + X25519) recipients are supported, not plugin or tagged ones");
            }
            return X25519Recipient.parse(encoded);
        }
        if (encoded.startsWith("AGE-SECRET-KEY-") || encoded.startsWith("AGE-PLUGIN-")) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT,
                    "this is an identity (secret key), not a recipient; give its public key (age1…) instead");
        }
        if (encoded.startsWith("ssh-") || encoded.startsWith("ecdsa-")) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT, "SSH public keys are not supported as recipients");
        }
        throw new AgeException(AgeException.Kind.KEY_FORMAT,
                "not an age recipient: expected an age1… (X25519) or age1pq1… (ML-KEM-768 + X25519) string");
    }

    /** Wraps a 16-byte file key for this recipient, with fresh randomness each call. */
    Stanza wrap(byte[] fileKey);

    /**
     * Whether this recipient resists a quantum computer. age does not mix such recipients with
     * classic ones in one file: the file would only be as strong as its weakest stanza.
     */
    boolean isPostQuantum();
}
