package btrfss3.age;

/** Decoding of Bech32 key strings into fixed-length keys, with errors that never quote the key. */
final class KeyStrings {
    private KeyStrings() {}

    /**
     * Decodes {@code s}, which must carry exactly {@code hrp} (case included) and {@code length}
     * bytes; {@code what} names the kind of key for messages, e.g. "X25519 recipient".
     */
    static byte[] decode(String s, String hrp, int length, String what) throws AgeException {
        Bech32.Decoded decoded;
        try {
            decoded = Bech32.decode(s);
        } catch (IllegalArgumentException e) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT, "malformed " + what + ": " + e.getMessage());
        }
        if (!decoded.hrp().equals(hrp)) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT, "malformed " + what + ": wrong prefix");
        }
        if (decoded.data().length != length) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT,
                    "malformed " + what + ": " + decoded.data().length + " bytes instead of " + length);
        }
        return decoded.data();
    }
}
