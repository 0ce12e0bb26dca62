package btrfss3.age;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;

/**
 * X25519 and HKDF run on the JDK's providers; Bouncy Castle's independent implementations are
 * the reference, on random inputs and on the edge cases of RFC 7748 (the ignored top bit,
 * non-canonical values, low-order points).
 */
class PrimitivesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void x25519MatchesRfc7748() {
        // RFC 7748, section 5.2, both vectors of one iteration; the second has the top bit set.
        assertArrayEquals(HEX.parseHex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"),
                X25519.multiply(HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                        HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"), 0));
        assertArrayEquals(HEX.parseHex("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"),
                X25519.multiply(HEX.parseHex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                        HEX.parseHex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"), 0));
        // Section 6.1: Alice's public key from her private key.
        assertArrayEquals(HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"),
                X25519.multiplyBase(HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")));
    }

    @Test
    void x25519MatchesBouncyCastleOnRandomInputs() {
        Random random = new Random(7748);
        for (int i = 0; i < 200; i++) {
            byte[] scalar = new byte[32];
            byte[] point = new byte[40];
            random.nextBytes(scalar);
            random.nextBytes(point);
            int offset = i % 9;
            byte[] u = java.util.Arrays.copyOfRange(point, offset, offset + 32);
            assertArrayEquals(reference(scalar, u), X25519.multiply(scalar, point, offset), "input " + i);
            byte[] base = new byte[32];
            org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(scalar, 0, base, 0);
            assertArrayEquals(base, X25519.multiplyBase(scalar), "base " + i);
        }
    }

    @Test
    void lowOrderAndNonCanonicalPointsAgreeWithBouncyCastle() {
        List<String> points = List.of(
                "0000000000000000000000000000000000000000000000000000000000000000", // 0
                "0100000000000000000000000000000000000000000000000000000000000000", // 1
                "0000000000000000000000000000000000000000000000000000000000000080", // 0, top bit set
                "0100000000000000000000000000000000000000000000000000000000000080", // 1, top bit set
                "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", // order 8
                "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", // order 8
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p - 1
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p, that is 0
                "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p + 1, that is 1
                "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p + 3, non-canonical 3
                "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"); // 2^255 - 1 after the top bit
        byte[] scalar = new byte[32];
        new Random(1).nextBytes(scalar);
        for (String hex : points) {
            byte[] point = HEX.parseHex(hex);
            assertArrayEquals(reference(scalar, point), X25519.multiply(scalar, point, 0), hex);
        }
        assertNull(X25519.multiply(scalar, HEX.parseHex(points.get(4)), 0), "an order-8 point gives no secret");
    }

    @Test
    void hkdfMatchesBouncyCastle() {
        Random random = new Random(5869);
        for (int i = 0; i < 100; i++) {
            byte[] ikm = new byte[random.nextInt(80)];
            byte[] salt = new byte[i % 3 == 0 ? 0 : random.nextInt(100)];
            random.nextBytes(ikm);
            random.nextBytes(salt);
            String info = "age-encryption.org/v1/" + i;
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
            hkdf.init(new HKDFParameters(ikm, salt.length == 0 ? null : salt, info.getBytes(StandardCharsets.US_ASCII)));
            byte[] expected = new byte[32];
            hkdf.generateBytes(expected, 0, 32);
            assertArrayEquals(expected, Hkdf.sha256(ikm, salt, info), "input " + i);
        }
        assertEquals(32, Hkdf.hmacSha256(new byte[100], new byte[0]).length, "keys longer than a block are hashed first");
    }

    /** Bouncy Castle's X25519, null where it reports the all-zero secret. */
    private static byte[] reference(byte[] scalar, byte[] point) {
        byte[] out = new byte[32];
        return org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(scalar, 0, point, 0, out, 0) ? out : null;
    }
}
