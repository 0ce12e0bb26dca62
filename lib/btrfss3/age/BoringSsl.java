package btrfss3.age;

import java.security.Provider;
import java.util.Locale;
import javax.crypto.Cipher;

/**
 * BoringSSL's ChaCha20-Poly1305, reached through Conscrypt's JCE provider, for long age streams.
 *
 * <p>Why: on JDK 17 the JDK's ChaCha20-Poly1305 is plain Java, about 380 MB/s on 64 KiB chunks;
 * BoringSSL's vector code does about 2 GB/s on the same machine (2 vCPUs with AVX-512). A full
 * age backup or restore spends most of its extra CPU over the openssl format there. The output is
 * the same bytes either way: the cipher is deterministic, and the tests hold both to each other and
 * to the CCTV vectors.
 *
 * <p>Why not always: loading costs about 0.2 s and 0.4 s of CPU, two thirds of it the JDK checking
 * the signature of Conscrypt's jar, the rest writing its library to the temporary directory and
 * loading it. That pays back only after a couple of hundred MB, so {@link StreamCipher} asks for it
 * only once a process has sealed or opened {@value StreamCipher#NATIVE_AFTER_BYTES} bytes, loads it
 * in the background, and moves to it between two chunks when it is ready; a restore, which knows
 * from the listing how much it will read, asks at its start instead. Small incremental runs, key
 * wrapping and tests of small files never load it.
 *
 * <p>It is optional. Conscrypt's jar carries the library for Linux, macOS and Windows on x86-64
 * only; elsewhere, with a temporary directory that does not allow executables, or with the
 * environment variable {@value #SWITCH} set to {@code off}, it does not load and the JDK's cipher
 * does all the work, at its speed. The provider is never registered with the JDK, so nothing else
 * (TLS, the S3 client's hashing) changes.
 */
final class BoringSsl {
    static final String SWITCH = "BTRFS_SEND_TO_S3_NATIVE_CRYPTO";
    static final String ALGORITHM = "ChaCha20/Poly1305/NoPadding";

    private static final Object LOCK = new Object();
    private static volatile Provider provider;
    private static Thread loader;

    private BoringSsl() {}

    /** The provider if it has loaded, without waiting; null while it loads or where it cannot. */
    static Provider ifLoaded() {
        return provider;
    }

    /** Starts loading on a background thread, once per process; returns at once. */
    static void loadInBackground() {
        synchronized (LOCK) {
            if (loader != null || !enabled(System.getenv(SWITCH))) {
                return;
            }
            loader = new Thread(BoringSsl::load, "boringssl-load");
            loader.setDaemon(true);
            loader.start();
        }
    }

    /** Loads it, or waits for the background load; null where it cannot load. */
    static Provider await() {
        loadInBackground();
        Thread t;
        synchronized (LOCK) {
            t = loader;
        }
        if (t != null) {
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return provider;
    }

    static boolean enabled(String switchValue) {
        if (switchValue == null) {
            return true;
        }
        String v = switchValue.trim().toLowerCase(Locale.ROOT);
        return !(v.equals("off") || v.equals("0") || v.equals("false") || v.equals("no"));
    }

    private static void load() {
        try {
            if (org.conscrypt.Conscrypt.isAvailable()) {
                Provider p = org.conscrypt.Conscrypt.newProvider();
                // Fails here, before any stream depends on it, if this build lacks the cipher.
                Cipher.getInstance(ALGORITHM, p);
                provider = p;
            }
        } catch (Exception | LinkageError e) {
            // No library for this platform, a temporary directory mounted noexec, or the jar
            // missing from the class path: the JDK's cipher carries on alone.
        }
    }
}
