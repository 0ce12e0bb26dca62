package btrfss3.age;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChaChaPolyTest {
    @Test
    void theJdkCipherIsAvailableAndPreferred() {
        assertEquals(ChaChaPoly.Backend.JDK, ChaChaPoly.PREFERRED);
        assertEquals(ChaChaPoly.Backend.JDK, ChaChaPoly.create(new byte[32]).backend(), "SunJCE ChaCha20-Poly1305 missing");
    }

    static boolean x86Linux() {
        return System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64");
    }

    /** Every backend, BoringSSL only where Conscrypt has a library for the machine (x86-64 Linux must load it). */
    static List<ChaChaPoly.Backend> backendsHere() {
        List<ChaChaPoly.Backend> all = new ArrayList<>(List.of(ChaChaPoly.Backend.values()));
        if (!x86Linux() && BoringSsl.await() == null) {
            all.remove(ChaChaPoly.Backend.BORINGSSL);
        }
        return all;
    }

    /** Conscrypt's jar carries BoringSSL for x86-64 Linux, which is what CI runs on. */
    @Test
    void boringSslLoadsOnX86Linux() {
        assumeTrue(x86Linux(), "Conscrypt has no library for " + System.getProperty("os.arch"));
        assertNotNull(BoringSsl.await(), "BoringSSL did not load (is " + BoringSsl.SWITCH + " set to off?)");
        assertTrue(BoringSsl.enabled(null));
        for (String off : new String[] {"off", "OFF", "0", "false", "no", " off "}) {
            assertFalse(BoringSsl.enabled(off), off);
        }
        assertTrue(BoringSsl.enabled("on"));
    }

    /** Offsets inside larger arrays, as the pipeline's reused buffers have them. */
    @Test
    void backendsAgreeAtOffsets() {
        Random rnd = new Random(5);
        byte[] key = new byte[32];
        rnd.nextBytes(key);
        assumeTrue(backendsHere().contains(ChaChaPoly.Backend.BORINGSSL));
        ChaChaPoly jdk = ChaChaPoly.create(ChaChaPoly.Backend.JDK, key);
        ChaChaPoly boring = ChaChaPoly.create(ChaChaPoly.Backend.BORINGSSL, key);
        for (int i = 0; i < 50; i++) {
            int len = rnd.nextInt(64 * 1024 + 1);
            int inOff = rnd.nextInt(100);
            int outOff = rnd.nextInt(100);
            byte[] in = new byte[inOff + len + rnd.nextInt(100)];
            rnd.nextBytes(in);
            byte[] nonce = new byte[12];
            rnd.nextBytes(nonce);
            byte[] a = new byte[outOff + len + 16];
            byte[] b = new byte[outOff + len + 16];
            jdk.seal(nonce, in, inOff, len, a, outOff);
            boring.seal(nonce, in, inOff, len, b, outOff);
            assertArrayEquals(a, b, "case " + i);
            byte[] back = new byte[outOff + len];
            assertEquals(len, boring.open(nonce, a, outOff, len + 16, back, outOff));
            assertArrayEquals(Arrays.copyOfRange(in, inOff, inOff + len), Arrays.copyOfRange(back, outOff, outOff + len));
        }
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
            assertEquals(ChaChaPoly.Backend.JDK, jdk.backend());
            byte[] a = new byte[len + 16];
            assertEquals(len + 16, jdk.seal(nonce, plain, 0, len, a, 0));
            List<ChaChaPoly> all = new ArrayList<>();
            for (ChaChaPoly.Backend backend : backendsHere()) {
                ChaChaPoly other = ChaChaPoly.create(backend, key);
                assertEquals(backend, other.backend());
                byte[] b = new byte[len + 16];
                assertEquals(len + 16, other.seal(nonce, plain, 0, len, b, 0));
                assertArrayEquals(a, b, backend + ", length " + len);
                all.add(other);
            }
            for (ChaChaPoly aead : all) {
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
