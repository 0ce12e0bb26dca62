package btrfss3.crypto;

import btrfss3.cli.Failure;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
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
 * Reads the RSA keys of the openssl format from PEM files, in every form openssl writes them:
 * public keys as SubjectPublicKeyInfo or PKCS#1, private keys as PKCS#8 or PKCS#1, plain or
 * encrypted. Errors name the file and the problem, never the key material.
 */
public final class RsaKeys {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private RsaKeys() {}

    public static RSAPublicKey loadPublic(Path file) {
        Object pem = readPem(file);
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

    public static RSAPrivateKey loadPrivate(Path file, Passphrase passphrase) {
        Object pem = readPem(file);
        try {
            PrivateKey key;
            if (pem instanceof PEMKeyPair pair) {
                key = new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
            } else if (pem instanceof PrivateKeyInfo info) {
                key = new JcaPEMKeyConverter().getPrivateKey(info);
            } else if (pem instanceof PEMEncryptedKeyPair encrypted) {
                char[] secret = passphrase.get(file);
                PEMKeyPair pair;
                try {
                    pair = encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BC).build(secret));
                } catch (Exception e) {
                    throw Failure.usage("could not decrypt " + file + ": wrong passphrase?");
                } finally {
                    java.util.Arrays.fill(secret, '\0');
                }
                key = new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
            } else if (pem instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                char[] secret = passphrase.get(file);
                PrivateKeyInfo info;
                try {
                    info = encrypted.decryptPrivateKeyInfo(
                            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(secret));
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

    private static <K> K requireRsa(Path file, Object key, boolean pub) {
        if (pub ? key instanceof RSAPublicKey : key instanceof RSAPrivateKey) {
            @SuppressWarnings("unchecked")
            K k = (K) key;
            return k;
        }
        String algorithm = key instanceof java.security.Key k ? k.getAlgorithm() : "unknown";
        throw Failure.usage(file + " holds a " + algorithm + " key; the openssl format needs an RSA key");
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

    private static Object readPem(Path file) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > 1 << 20) {
                throw Failure.usage(file + " is too large to be a key file");
            }
            text = new String(bytes, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw Failure.usage("key file not found: " + file);
        } catch (AccessDeniedException e) {
            throw Failure.usage("key file not readable: " + file);
        } catch (IOException e) {
            throw Failure.usage("cannot read key file " + file + ": " + e.getMessage());
        }
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
