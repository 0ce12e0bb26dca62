package btrfss3.age;

import java.util.Base64;

/**
 * The base64 of age headers: standard alphabet, no padding, and only the canonical encoding of
 * any value is accepted. Rejecting the other encodings keeps headers non-malleable: one header,
 * one byte string, one MAC.
 */
final class CanonicalBase64 {
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    private CanonicalBase64() {}

    static String encode(byte[] data) {
        return ENCODER.encodeToString(data);
    }

    static boolean isBase64Char(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    /** Decodes, or throws IllegalArgumentException for padding, stray characters or a non-canonical form. */
    static byte[] decode(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isBase64Char(s.charAt(i))) {
                throw new IllegalArgumentException("invalid base64 character");
            }
        }
        if (s.length() % 4 == 1) {
            throw new IllegalArgumentException("invalid base64 length");
        }
        byte[] data = DECODER.decode(s);
        // The JDK ignores non-zero unused bits in the last character; re-encoding catches them.
        if (!ENCODER.encodeToString(data).equals(s)) {
            throw new IllegalArgumentException("non-canonical base64");
        }
        return data;
    }

    /** Decodes a value that must be exactly {@code length} bytes long. */
    static byte[] decode(String s, int length) {
        byte[] data = decode(s);
        if (data.length != length) {
            throw new IllegalArgumentException("expected " + length + " bytes, got " + data.length);
        }
        return data;
    }
}
