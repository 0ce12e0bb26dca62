package btrfss3.crypto;

import static btrfss3.crypto.RsaKeys.requireRsa;

import btrfss3.cli.Failure;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.function.Supplier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The key forms {@link RsaKeys} leaves to Bouncy Castle, and the wording of every error. A class
 * of its own, so that the JVM opens Bouncy Castle's signed jars only when a key needs it.
 */
final class RsaKeysBc {
    private RsaKeysBc() {}

    /** Created on first use: most runs never need it. */
    private static final class Bc {
        static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();
    }

    static RSAPublicKey loadPublic(Path file, String text) {
        Object pem = readPem(file, text);
        if (pem instanceof SubjectPublicKeyInfo info) {
            return requireRsa(file, convert(file, () -> new JcaPEMKeyConverter().getPublicKey(info)), true);
        }
        if (pem instanceof PEMKeyPair || pem instanceof PrivateKeyInfo || pem instanceof PEMEncryptedKeyPair
                || pem instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw Failure.usage(file + " holds a private key; backup needs the RSA public key "
                    + "(openssl rsa -in PRIVATE.pem -pubout -out PUBLIC.pem)");
        }
        throw Failure.usage(file + " is not a PEM public key");
    }

    static RSAPrivateKey loadPrivate(Path file, String text, Supplier<char[]> passphrase) {
        Object pem = readPem(file, text);
        try {
            PrivateKey key;
            if (pem instanceof PEMKeyPair pair) {
                key = new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
            } else if (pem instanceof PrivateKeyInfo info) {
                key = new JcaPEMKeyConverter().getPrivateKey(info);
            } else if (pem instanceof PEMEncryptedKeyPair encrypted) {
                char[] secret = passphrase.get();
                PEMKeyPair pair;
                try {
                    pair = encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(secret));
                } catch (Exception e) {
                    throw Failure.usage("could not decrypt " + file + ": wrong passphrase?");
                } finally {
                    java.util.Arrays.fill(secret, '\0');
                }
                key = new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
            } else if (pem instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                char[] secret = passphrase.get();
                PrivateKeyInfo info;
                try {
                    info = encrypted.decryptPrivateKeyInfo(
                            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(secret));
                } catch (Exception e) {
                    throw Failure.usage("could not decrypt " + file + ": wrong passphrase?");
                } finally {
                    java.util.Arrays.fill(secret, '\0');
                }
                key = new JcaPEMKeyConverter().getPrivateKey(info);
            } else if (pem instanceof SubjectPublicKeyInfo) {
                throw Failure.usage(file + " holds a public key; restore needs the RSA private key");
            } else {
                throw Failure.usage(file + " is not a PEM private key");
            }
            return requireRsa(file, key, false);
        } catch (IOException e) {
            throw Failure.usage(file + " holds a key that cannot be read: " + e.getClass().getSimpleName());
        }
    }

    private interface KeyReader {
        PublicKey read() throws IOException;
    }

    private static PublicKey convert(Path file, KeyReader reader) {
        try {
            return reader.read();
        } catch (IOException e) {
            throw Failure.usage(file + " holds a public key that cannot be read");
        }
    }

    private static Object readPem(Path file, String text) {
        try (var parser = new PEMParser(new StringReader(text))) {
            Object pem = parser.readObject();
            if (pem == null) {
                throw Failure.usage(file + " is not a PEM key file (no -----BEGIN ...----- block)");
            }
            return pem;
        } catch (IOException | RuntimeException e) {
            if (e instanceof Failure f) {
                throw f;
            }
            throw Failure.usage(file + " is not a valid PEM key file");
        }
    }
}
