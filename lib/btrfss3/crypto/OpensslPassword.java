package btrfss3.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The password of one openssl-format backup, and the exact bytes {@code openssl enc -pass file:}
 * derives keys from.
 *
 * <p>openssl reads a password file with fgets and then takes the C string: only the bytes before
 * the first newline and before the first NUL count. The original tool wrote 32 raw random bytes,
 * so its passwords are often shorter than the file (empty when the file starts with a newline),
 * and a file starting with NUL made openssl refuse to encrypt at all.
 */
public final class OpensslPassword implements AutoCloseable {
    /** openssl's APP_PASS_LEN: fgets reads at most 1023 bytes of the first line. */
    private static final int OPENSSL_MAX_LINE = 1023;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] password;

    private OpensslPassword(byte[] password) {
        this.password = password;
    }

    /** 256 random bits as 64 hex characters: no byte openssl would cut at, so every tool derives the same key. */
    public static OpensslPassword generate() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        byte[] hex = HexFormat.of().formatHex(raw).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Arrays.fill(raw, (byte) 0);
        return new OpensslPassword(hex);
    }

    /**
     * The password openssl used for a session-key file with these contents.
     *
     * @throws UnusablePasswordException when openssl could not read a password from it (first byte NUL,
     *     or an empty file): backups made with such a key hold no data.
     */
    public static OpensslPassword fromKeyFileContents(byte[] file) throws UnusablePasswordException {
        int lineEnd = Math.min(file.length, OPENSSL_MAX_LINE);
        for (int i = 0; i < lineEnd; i++) {
            if (file[i] == '\n') {
                lineEnd = i + 1;
                break;
            }
        }
        int cString = 0;
        while (cString < lineEnd && file[cString] != 0) {
            cString++;
        }
        if (cString == 0) {
            throw new UnusablePasswordException(file.length == 0
                    ? "the session key is empty"
                    : "the session key starts with a NUL byte, so openssl read no password and encrypted nothing");
        }
        int end = cString;
        if (file[end - 1] == '\n') {
            end--;
        }
        return new OpensslPassword(Arrays.copyOf(file, end));
    }

    /** The bytes to hand to {@code openssl pkeyutl}: exactly what {@code -pass file:} reads back. */
    public byte[] keyFileContents() {
        return password.clone();
    }

    byte[] bytes() {
        return password;
    }

    @Override
    public void close() {
        Arrays.fill(password, (byte) 0);
    }

    @Override
    public String toString() {
        return "OpensslPassword[redacted]";
    }

    /** openssl could not have encrypted with this key file. */
    public static final class UnusablePasswordException extends Exception {
        public UnusablePasswordException(String message) {
            super(message, null, false, false);
        }
    }
}
