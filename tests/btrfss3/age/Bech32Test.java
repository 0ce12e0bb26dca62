package btrfss3.age;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Bech32Test {
    /** BIP 173's valid strings; all happen to carry whole bytes, so they decode fully. */
    @ParameterizedTest
    @ValueSource(strings = {"A12UEL5L", "a12uel5l",
            "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
            "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl"})
    void bip173Valid(String s) {
        Bech32.Decoded d = Bech32.decode(s);
        assertEquals(s, Bech32.encode(d.hrp(), d.data()));
    }

    /** BIP 173's invalid strings (the ones that are invalid for Bech32 itself, not for segwit). */
    @ParameterizedTest
    @ValueSource(strings = {"\u00201nwldj5", "\u007f1axkwrx", "\u00801eym55h", "pzry9x0s0muk", "1pzry9x0s0muk",
            "x1b4n0q5v", "li1dgmt3", "de1lg7wt\u00ff", "A1G7SGD8", "10a06t8", "1qzzfhee", "a12UEL5L"})
    void bip173Invalid(String s) {
        assertThrows(IllegalArgumentException.class, () -> Bech32.decode(s));
    }

    @Test
    void noLengthLimit() {
        byte[] data = new byte[1216];
        new Random(1).nextBytes(data);
        String s = Bech32.encode("age1pq", data);
        assertEquals(1216 * 8 / 5 + 1 + "age1pq1".length() + 6, s.length());
        assertArrayEquals(data, Bech32.decode(s).data());
    }

    @Test
    void upperCaseKeepsTheChecksumOfTheLowerCase() {
        byte[] data = new byte[32];
        new Random(2).nextBytes(data);
        String upper = Bech32.encode("AGE-SECRET-KEY-", data);
        assertEquals(upper, Bech32.encode("age-secret-key-", data).toUpperCase());
        assertEquals("AGE-SECRET-KEY-", Bech32.decode(upper).hrp());
        assertThrows(IllegalArgumentException.class, () -> Bech32.encode("Age", data));
    }
}
