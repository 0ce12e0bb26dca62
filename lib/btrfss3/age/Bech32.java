package btrfss3.age;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Bech32 (BIP 173) as age uses it: no limit on the length of the data part, because hybrid
 * recipients encode 1216 bytes. Errors name the problem but never echo the string, which may be a
 * secret key.
 */
final class Bech32 {
    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    private static final int CHECKSUM_LENGTH = 6;

    /** The human-readable part, in the case it had in the string, and the decoded bytes. */
    record Decoded(String hrp, byte[] data) {}

    private Bech32() {}

    /** Encodes in the case of {@code hrp}, which must be all lower or all upper case. */
    static String encode(String hrp, byte[] data) {
        String lower = hrp.toLowerCase(Locale.ROOT);
        boolean upper = !hrp.equals(lower);
        if (upper && !hrp.equals(hrp.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("mixed-case human-readable part");
        }
        if (hrp.isEmpty()) {
            throw new IllegalArgumentException("empty human-readable part");
        }
        for (int i = 0; i < hrp.length(); i++) {
            char c = hrp.charAt(i);
            if (c < 33 || c > 126) {
                throw new IllegalArgumentException("invalid character in human-readable part");
            }
        }
        byte[] values = convertBits(data, 8, 5, true);
        byte[] checksum = checksum(lower, values);
        StringBuilder sb = new StringBuilder(lower.length() + 1 + values.length + CHECKSUM_LENGTH);
        sb.append(lower).append('1');
        for (byte v : values) {
            sb.append(CHARSET.charAt(v));
        }
        for (byte v : checksum) {
            sb.append(CHARSET.charAt(v));
        }
        String s = sb.toString();
        return upper ? s.toUpperCase(Locale.ROOT) : s;
    }

    static Decoded decode(String s) {
        boolean hasLower = false;
        boolean hasUpper = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 33 || c > 126) {
                throw new IllegalArgumentException("invalid character");
            }
            hasLower |= c >= 'a' && c <= 'z';
            hasUpper |= c >= 'A' && c <= 'Z';
        }
        if (hasLower && hasUpper) {
            throw new IllegalArgumentException("mixed upper and lower case");
        }
        // The checksum is defined over the lower-case form, whatever case the string uses.
        String lower = s.toLowerCase(Locale.ROOT);
        int separator = lower.lastIndexOf('1');
        if (separator < 1) {
            throw new IllegalArgumentException("missing separator or human-readable part");
        }
        if (separator + 1 + CHECKSUM_LENGTH > lower.length()) {
            throw new IllegalArgumentException("too short");
        }
        String hrp = lower.substring(0, separator);
        byte[] values = new byte[lower.length() - separator - 1];
        for (int i = 0; i < values.length; i++) {
            int v = CHARSET.indexOf(lower.charAt(separator + 1 + i));
            if (v < 0) {
                throw new IllegalArgumentException("invalid character in data part");
            }
            values[i] = (byte) v;
        }
        if (polymod(hrpExpand(hrp), values) != 1) {
            throw new IllegalArgumentException("invalid checksum");
        }
        byte[] data5 = java.util.Arrays.copyOf(values, values.length - CHECKSUM_LENGTH);
        return new Decoded(s.substring(0, separator), convertBits(data5, 5, 8, false));
    }

    private static byte[] checksum(String lowerHrp, byte[] values) {
        byte[] padded = java.util.Arrays.copyOf(values, values.length + CHECKSUM_LENGTH);
        int mod = polymod(hrpExpand(lowerHrp), padded) ^ 1;
        byte[] out = new byte[CHECKSUM_LENGTH];
        for (int i = 0; i < CHECKSUM_LENGTH; i++) {
            out[i] = (byte) ((mod >>> (5 * (5 - i))) & 31);
        }
        return out;
    }

    private static byte[] hrpExpand(String hrp) {
        int n = hrp.length();
        byte[] out = new byte[2 * n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (hrp.charAt(i) >>> 5);
            out[n + 1 + i] = (byte) (hrp.charAt(i) & 31);
        }
        return out;
    }

    private static int polymod(byte[] first, byte[] second) {
        int chk = 1;
        for (byte[] part : new byte[][] {first, second}) {
            for (byte b : part) {
                int top = chk >>> 25;
                chk = ((chk & 0x1ffffff) << 5) ^ (b & 0xff);
                for (int i = 0; i < 5; i++) {
                    if (((top >>> i) & 1) != 0) {
                        chk ^= GENERATOR[i];
                    }
                }
            }
        }
        return chk;
    }

    private static byte[] convertBits(byte[] in, int fromBits, int toBits, boolean pad) {
        int acc = 0;
        int bits = 0;
        int maxValue = (1 << toBits) - 1;
        int maxAcc = (1 << (fromBits + toBits - 1)) - 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length * fromBits / toBits + 1);
        for (byte b : in) {
            int v = b & 0xff;
            if ((v >>> fromBits) != 0) {
                throw new IllegalArgumentException("invalid data value");
            }
            acc = ((acc << fromBits) | v) & maxAcc;
            bits += fromBits;
            while (bits >= toBits) {
                bits -= toBits;
                out.write((acc >>> bits) & maxValue);
            }
        }
        if (pad) {
            if (bits > 0) {
                out.write((acc << (toBits - bits)) & maxValue);
            }
        } else if (bits >= fromBits || ((acc << (toBits - bits)) & maxValue) != 0) {
            throw new IllegalArgumentException("invalid padding in data part");
        }
        return out.toByteArray();
    }
}
