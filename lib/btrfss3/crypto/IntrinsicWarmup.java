package btrfss3.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Gets HotSpot to compile the JDK's AES-CBC and SHA-256 with their CPU instructions (AES-NI, the
 * SHA extensions) before the data arrives.
 *
 * <p>Why: those instructions are used only from code that C2 compiled, and C2 compiles a method
 * after some ten thousand calls. The pipeline hands the cipher and the digest 64 KiB at a time, so
 * it takes hundreds of MiB to get there: until then AES-CBC runs as plain Java, at a tenth of the
 * speed or less (measured here: decrypting the first 256 MiB took 420 ms of CPU instead of 50).
 * Many tiny calls on a scratch key, on a thread of their own while the S3 client starts, get the
 * same compilation done in about 0.2 s of one core.
 */
public final class IntrinsicWarmup {
    /** A code path the pipeline runs on bulk data. */
    public enum Path { SHA_256, AES_CBC_ENCRYPT, AES_CBC_DECRYPT }

    // Past the compile thresholds with room to spare (20,000 was measured to be just enough).
    private static final int CALLS = 50_000;

    private IntrinsicWarmup() {}

    /**
     * Starts warming SHA-256, which every run uses for the manifest, and these paths of the
     * format's cipher, on a daemon thread; returns at once. Best effort: it never fails the run.
     */
    public static Thread start(Collection<Path> cipherPaths) {
        Set<Path> paths = EnumSet.of(Path.SHA_256);
        paths.addAll(cipherPaths);
        Thread thread = new Thread(() -> run(paths), "intrinsic-warmup");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static void run(Set<Path> paths) {
        try {
            byte[] in = new byte[64];
            byte[] out = new byte[128];
            MessageDigest sha = paths.contains(Path.SHA_256) ? MessageDigest.getInstance("SHA-256") : null;
            Cipher encrypt = paths.contains(Path.AES_CBC_ENCRYPT) ? cipher(Cipher.ENCRYPT_MODE) : null;
            Cipher decrypt = paths.contains(Path.AES_CBC_DECRYPT) ? cipher(Cipher.DECRYPT_MODE) : null;
            for (int i = 0; i < CALLS; i++) {
                if (sha != null) {
                    sha.update(in, 0, 64);
                }
                // Two blocks a call, so that the padding transformations always have a block to process.
                if (encrypt != null) {
                    encrypt.update(in, 0, 32, out, 0);
                }
                if (decrypt != null) {
                    decrypt.update(in, 0, 32, out, 0);
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            // Only speed is at stake; the real cipher reports its own problems.
        }
    }

    /** The transformation the openssl format uses, so that the very same JDK methods get compiled. */
    private static Cipher cipher(int mode) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cipher.init(mode, new SecretKeySpec(new byte[32], "AES"), new IvParameterSpec(new byte[16]));
        return cipher;
    }
}
