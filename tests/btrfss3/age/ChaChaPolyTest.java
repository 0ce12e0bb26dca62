package btrfss3.age;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChaChaPolyTest {
    @Test
    void theJdkCipherIsAvailableAndPreferred() {
        assertEquals(ChaChaPoly.Backend.JDK, ChaChaPoly.PREFERRED);
        assertEquals(ChaChaPoly.Backend.JDK, ChaChaPoly.create(new byte[32]).backend(), "SunJCE ChaCha20-Poly1305 missing");
    }

    @Test
    void backendsAgreeAndRejectTampering() {
        Random rnd = new Random(3);
        byte[] key = new byte[32];
        rnd.nextBytes(key);
        for (int len : new int[] {0, 1, 16, 63, 64, 65, 1000, 64 * 1024}) {
            byte[] plain = new byte[len];
            rnd.nextBytes(plain);
            byte[] nonce = new byte[12];
            rnd.nextBytes(nonce);
            ChaChaPoly jdk = ChaChaPoly.create(ChaChaPoly.Backend.JDK, key);
            ChaChaPoly bc = ChaChaPoly.create(ChaChaPoly.Backend.BOUNCY_CASTLE, key);
            assertEquals(ChaChaPoly.Backend.JDK, jdk.backend());
            byte[] a = new byte[len + 16];
            byte[] b = new byte[len + 16];
            assertEquals(len + 16, jdk.seal(nonce, plain, 0, len, a, 0));
            assertEquals(len + 16, bc.seal(nonce, plain, 0, len, b, 0));
            assertArrayEquals(a, b, "length " + len);
            for (ChaChaPoly aead : new ChaChaPoly[] {jdk, bc}) {
                byte[] out = new byte[len];
                assertEquals(len, aead.open(nonce, a, 0, a.length, out, 0));
                assertArrayEquals(plain, out);
                for (int pos : new int[] {0, len / 2, len + 15}) {
                    byte[] bad = a.clone();
                    bad[pos] ^= 0x40;
                    byte[] garbage = new byte[len];
                    Arrays.fill(garbage, (byte) 0x55);
                    assertEquals(-1, aead.open(nonce, bad, 0, bad.length, garbage, 0), aead.backend() + " " + pos);
                    for (byte g : garbage) {
                        if (g != 0 && g != 0x55) {
                            throw new AssertionError("unauthenticated plaintext left in the output");
                        }
                    }
                }
                assertEquals(-1, aead.open(nonce, a, 0, 15, new byte[16], 0));
            }
        }
    }
}
