package btrfss3.testenv.bench;

import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Throughput of ChaCha20-Poly1305 over 64 KiB chunks (the age STREAM chunk size): the JDK's
 * Cipher against Bouncy Castle's lightweight engine and BoringSSL's through Conscrypt, all called
 * the way StreamCipher calls them (one init per chunk with a fresh nonce, output into a reused
 * buffer).
 *
 * <p>Run: {@code java -cp <test-classes>:<bcprov.jar>:<conscrypt-openjdk-uber.jar> btrfss3.testenv.bench.ChaChaBench [seconds [rounds]]}
 * on each runtime to compare. Prints MB/s (10^6 bytes of plaintext per second), median of the
 * measured rounds (interleaved between implementations) after a warm-up long enough for C2 to
 * compile the hot loops.
 */
public final class ChaChaBench {
    private static final int CHUNK = 64 * 1024;
    private static final int TAG = 16;

    private interface Op {
        /** Processes one chunk with the given nonce counter; returns a byte so the JIT keeps the work. */
        byte run(long counter) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        SecureRandom rnd = new SecureRandom();
        byte[] key = new byte[32];
        rnd.nextBytes(key);
        byte[] plain = new byte[CHUNK];
        rnd.nextBytes(plain);

        System.out.printf("java %s (%s), %s, %d CPUs%n", Runtime.version(), System.getProperty("java.vm.name"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors());

        Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
        java.security.Provider conscrypt = org.conscrypt.Conscrypt.newProvider();
        Cipher ssl = Cipher.getInstance("ChaCha20/Poly1305/NoPadding", conscrypt);
        SecretKeySpec jdkKey = new SecretKeySpec(key, "ChaCha20");
        ChaCha20Poly1305 bc = new ChaCha20Poly1305();
        KeyParameter bcKey = new KeyParameter(key);
        byte[] out = new byte[CHUNK + TAG];

        // Decryption alternates between two sealed chunks: the JDK refuses to be initialised twice in
        // a row with the same key and nonce, even for decryption.
        byte[][] sealed = new byte[2][CHUNK + TAG];
        for (int i = 0; i < 2; i++) {
            bc.init(true, new AEADParameters(bcKey, 128, nonce(-1 - i)));
            int n = bc.processBytes(plain, 0, CHUNK, sealed[i], 0);
            bc.doFinal(sealed[i], n);
            jdk.init(Cipher.ENCRYPT_MODE, jdkKey, new IvParameterSpec(nonce(-1 - i)));
            jdk.doFinal(plain, 0, CHUNK, out, 0);
            if (!Arrays.equals(out, sealed[i])) {
                throw new AssertionError("JDK and Bouncy Castle disagree on the ciphertext");
            }
            ssl.init(Cipher.ENCRYPT_MODE, jdkKey, new IvParameterSpec(nonce(-1 - i)));
            ssl.doFinal(plain, 0, CHUNK, out, 0);
            if (!Arrays.equals(out, sealed[i])) {
                throw new AssertionError("BoringSSL and Bouncy Castle disagree on the ciphertext");
            }
        }

        Op jdkSeal = c -> {
            jdk.init(Cipher.ENCRYPT_MODE, jdkKey, new IvParameterSpec(nonce(c)));
            jdk.doFinal(plain, 0, CHUNK, out, 0);
            return out[(int) c & 0xff];
        };
        Cipher jdkD = Cipher.getInstance("ChaCha20-Poly1305");
        Op jdkOpen = c -> {
            int i = (int) (c & 1);
            jdkD.init(Cipher.DECRYPT_MODE, jdkKey, new IvParameterSpec(nonce(-1 - i)));
            jdkD.doFinal(sealed[i], 0, CHUNK + TAG, out, 0);
            return out[(int) c & 0xff];
        };
        Op bcSeal = c -> {
            bc.init(true, new AEADParameters(bcKey, 128, nonce(c)));
            int n = bc.processBytes(plain, 0, CHUNK, out, 0);
            bc.doFinal(out, n);
            return out[(int) c & 0xff];
        };
        ChaCha20Poly1305 bcD = new ChaCha20Poly1305();
        Op bcOpen = c -> {
            int i = (int) (c & 1);
            bcD.init(false, new AEADParameters(bcKey, 128, nonce(-1 - i)));
            int n = bcD.processBytes(sealed[i], 0, CHUNK + TAG, out, 0);
            bcD.doFinal(out, n);
            return out[(int) c & 0xff];
        };

        Op sslSeal = c -> {
            ssl.init(Cipher.ENCRYPT_MODE, jdkKey, new IvParameterSpec(nonce(c)));
            ssl.doFinal(plain, 0, CHUNK, out, 0);
            return out[(int) c & 0xff];
        };
        Cipher sslD = Cipher.getInstance("ChaCha20/Poly1305/NoPadding", conscrypt);
        Op sslOpen = c -> {
            int i = (int) (c & 1);
            sslD.init(Cipher.DECRYPT_MODE, jdkKey, new IvParameterSpec(nonce(-1 - i)));
            sslD.doFinal(sealed[i], 0, CHUNK + TAG, out, 0);
            return out[(int) c & 0xff];
        };

        String[] names = {"JDK encrypt", "BC  encrypt", "SSL encrypt", "JDK decrypt", "BC  decrypt", "SSL decrypt"};
        Op[] ops = {jdkSeal, bcSeal, sslSeal, jdkOpen, bcOpen, sslOpen};
        // Rounds alternate between the implementations, so a busy machine slows them alike.
        double[][] mbs = new double[ops.length][rounds];
        long[] counters = new long[ops.length];
        for (int i = 0; i < ops.length; i++) {
            counters[i] = run(ops[i], counters[i], seconds * 3); // warm-up: C2 and intrinsics in place
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < ops.length; i++) {
                long before = counters[i];
                long start = System.nanoTime();
                counters[i] = run(ops[i], before, seconds);
                double elapsed = (System.nanoTime() - start) / 1e9;
                mbs[i][r] = (counters[i] - before) * (double) CHUNK / elapsed / 1e6;
            }
        }
        for (int i = 0; i < ops.length; i++) {
            double[] sorted = mbs[i].clone();
            Arrays.sort(sorted);
            System.out.printf("%s: median %.0f MB/s (rounds: %s)%n", names[i], sorted[rounds / 2], fmt(mbs[i]));
        }
    }

    private static byte[] nonce(long counter) {
        byte[] n = new byte[12];
        for (int i = 0; i < 8; i++) {
            n[10 - i] = (byte) (counter >>> (8 * i));
        }
        return n;
    }

    private static int sink;

    /** Runs op for about {@code seconds}; returns the next counter value. */
    private static long run(Op op, long counter, double seconds) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            sink += op.run(counter++);
        } while (System.nanoTime() < end);
        return counter;
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) {
            b.append(b.length() == 0 ? "" : " ").append(Math.round(d));
        }
        return b.toString();
    }
}
