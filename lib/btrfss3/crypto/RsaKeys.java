package btrfss3.crypto;

import btrfss3.cli.Failure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads the RSA keys of the openssl format from PEM files, in every form openssl writes them:
 * public keys as SubjectPublicKeyInfo or PKCS#1, private keys as PKCS#8 or PKCS#1, plain or
 * encrypted. Errors name the file and the problem, never the key material.
 *
 * <p>The forms openssl writes by default (SubjectPublicKeyInfo, PKCS#8 plain or encrypted with
 * PBES2) are read with the JDK alone; everything else, and every key the JDK does not take, goes
 * to Bouncy Castle, which also words the errors. Its signed jars take a second of CPU to load and
 * verify, at every start of backup or restore.
 */
public final class RsaKeys {
    private RsaKeys() {}

    public static RSAPublicKey loadPublic(Path file) {
        String text = readText(file);
        byte[] der = pemBlock(text, "PUBLIC KEY");
        if (der != null) {
            try {
                return requireRsa(file, KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der)), true);
            } catch (GeneralSecurityException e) {
                // Not RSA, or damaged: Bouncy Castle says which.
            }
        }
        return RsaKeysBc.loadPublic(file, text);
    }

    public static RSAPrivateKey loadPrivate(Path file, Passphrase passphrase) {
        String text = readText(file);
        char[][] asked = new char[1][];
        Supplier<char[]> secret = () -> {
            if (asked[0] == null) {
                asked[0] = passphrase.get(file);
            }
            return asked[0].clone();
        };
        try {
            RSAPrivateKey key = jdkPrivate(file, text, secret);
            return key != null ? key : RsaKeysBc.loadPrivate(file, text, secret);
        } finally {
            if (asked[0] != null) {
                java.util.Arrays.fill(asked[0], '\0');
            }
        }
    }

    /** An unencrypted or PBES2-encrypted PKCS#8 RSA key, or null for Bouncy Castle to read. */
    private static RSAPrivateKey jdkPrivate(Path file, String text, Supplier<char[]> secret) {
        try {
            byte[] der = pemBlock(text, "PRIVATE KEY");
            if (der != null) {
                return requireRsa(file, KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)), false);
            }
            der = pemBlock(text, "ENCRYPTED PRIVATE KEY");
            if (der == null) {
                return null;
            }
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            AlgorithmParameters parameters = info.getAlgParameters();
            String algorithm = parameters == null ? info.getAlgName() : parameters.toString();
            char[] pass = secret.get();
            SecretKey pbeKey;
            try {
                pbeKey = SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(pass));
            } finally {
                java.util.Arrays.fill(pass, '\0');
            }
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, pbeKey, parameters);
            return requireRsa(file, KeyFactory.getInstance("RSA").generatePrivate(info.getKeySpec(cipher)), false);
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            if (e instanceof Failure f) {
                throw f;
            }
            // A wrong passphrase, a scheme the JDK lacks, not RSA: Bouncy Castle decides and says which.
            return null;
        }
    }

    static <K> K requireRsa(Path file, Object key, boolean pub) {
        if (pub ? key instanceof RSAPublicKey : key instanceof RSAPrivateKey) {
            @SuppressWarnings("unchecked")
            K k = (K) key;
            return k;
        }
        String algorithm = key instanceof java.security.Key k ? k.getAlgorithm() : "unknown";
        throw Failure.usage(file + " holds a " + algorithm + " key; the openssl format needs an RSA key");
    }

    /**
     * The content of the first PEM block if it is labelled {@code label} and has no headers
     * (openssl's traditional encryption puts them there), else null.
     */
    private static byte[] pemBlock(String text, String label) {
        int begin = text.indexOf("-----BEGIN ");
        String head = "-----BEGIN " + label + "-----";
        if (begin < 0 || !text.startsWith(head, begin)) {
            return null;
        }
        int start = begin + head.length();
        int end = text.indexOf("-----END " + label + "-----", start);
        if (end < 0) {
            return null;
        }
        String body = text.substring(start, end);
        if (body.indexOf(':') >= 0 || body.indexOf('-') >= 0) {
            return null;
        }
        try {
            return Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String readText(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > 1 << 20) {
                throw Failure.usage(file + " is too large to be a key file");
            }
            return new String(bytes, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw Failure.usage("key file not found: " + file);
        } catch (AccessDeniedException e) {
            throw Failure.usage("key file not readable: " + file);
        } catch (IOException e) {
            throw Failure.usage("cannot read key file " + file + ": " + e.getMessage());
        }
    }


}
