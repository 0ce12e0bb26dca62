package btrfss3.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.support.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RSA keys in every PEM form openssl writes, and the marker against openssl pkeyutl. */
class RsaKeysTest {
    @TempDir
    static Path dir;
    static Path pkcs8;
    static Path pkcs1;
    static Path encryptedPkcs8;
    static Path encryptedPkcs1;
    static Path spki;
    static Path pkcs1Public;

    @BeforeAll
    static void keys() throws IOException {
        pkcs8 = dir.resolve("pkcs8.pem");
        Exec.check(List.of("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pkcs8.toString()), null);
        pkcs1 = dir.resolve("pkcs1.pem");
        Exec.check(List.of("openssl", "rsa", "-in", pkcs8.toString(), "-traditional", "-out", pkcs1.toString()), null);
        encryptedPkcs8 = dir.resolve("enc8.pem");
        Exec.check(List.of("openssl", "pkcs8", "-topk8", "-in", pkcs8.toString(), "-v2", "aes-256-cbc",
                "-passout", "pass:correct horse", "-out", encryptedPkcs8.toString()), null);
        encryptedPkcs1 = dir.resolve("enc1.pem");
        Exec.check(List.of("openssl", "rsa", "-in", pkcs8.toString(), "-traditional", "-aes256",
                "-passout", "pass:correct horse", "-out", encryptedPkcs1.toString()), null);
        spki = dir.resolve("public.pem");
        Exec.check(List.of("openssl", "rsa", "-in", pkcs8.toString(), "-pubout", "-out", spki.toString()), null);
        pkcs1Public = dir.resolve("public-pkcs1.pem");
        Exec.check(List.of("openssl", "rsa", "-in", pkcs8.toString(), "-RSAPublicKey_out", "-out", pkcs1Public.toString()), null);
    }

    @Test
    void opensslPkeyutlDecryptsOurMarkerFromEitherPublicKeyForm() throws IOException {
        for (Path pub : List.of(spki, pkcs1Public)) {
            OpensslPassword password = OpensslPassword.generate();
            byte[] marker = RsaSessionKey.encrypt(password, RsaKeys.loadPublic(pub));
            byte[] decrypted = Exec.check(List.of("openssl", "pkeyutl", "-decrypt", "-inkey", pkcs8.toString()), marker);
            assertArrayEquals(password.keyFileContents(), decrypted);
        }
    }

    @Test
    void weDecryptOpensslPkeyutlOutputWithEveryPrivateKeyForm() throws Exception {
        byte[] raw = new byte[32];
        new java.util.Random(5).nextBytes(raw);
        Path rawFile = Files.write(dir.resolve("raw"), raw);
        byte[] marker = Exec.check(List.of("openssl", "pkeyutl", "-encrypt", "-pubin", "-inkey", spki.toString(),
                "-in", rawFile.toString()), null);
        Path pass = Files.writeString(dir.resolve("pass"), "correct horse\n");
        for (Path priv : List.of(pkcs8, pkcs1, encryptedPkcs8, encryptedPkcs1)) {
            var key = RsaKeys.loadPrivate(priv, new Passphrase(pass, null));
            assertArrayEquals(raw, RsaSessionKey.decrypt(marker, key), priv.getFileName().toString());
        }
    }

    @Test
    void wrongPassphraseIsAOneLineUsageError() throws IOException {
        Path wrong = Files.writeString(dir.resolve("wrong"), "battery staple\n");
        for (Path priv : List.of(encryptedPkcs8, encryptedPkcs1)) {
            Failure f = assertThrows(Failure.class, () -> RsaKeys.loadPrivate(priv, new Passphrase(wrong, null)));
            assertEquals(ExitCode.USAGE, f.exitCode());
            assertTrue(f.getMessage().contains("wrong passphrase"), f.getMessage());
            assertTrue(!f.getMessage().contains("\n"));
        }
    }

    @Test
    void badKeyFilesAreNamedAndRefused() throws IOException {
        Path ec = dir.resolve("ec.pem");
        Exec.check(List.of("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ec.toString()), null);
        Path ecPub = dir.resolve("ec-pub.pem");
        Exec.check(List.of("openssl", "pkey", "-in", ec.toString(), "-pubout", "-out", ecPub.toString()), null);
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
        Path missing = dir.resolve("missing.pem");
        var cases = List.<Runnable>of(
                () -> RsaKeys.loadPublic(ecPub),
                () -> RsaKeys.loadPublic(pkcs8),
                () -> RsaKeys.loadPublic(garbage),
                () -> RsaKeys.loadPublic(missing),
                () -> RsaKeys.loadPrivate(ec, new Passphrase(null, null)),
                () -> RsaKeys.loadPrivate(spki, new Passphrase(null, null)),
                () -> RsaKeys.loadPrivate(encryptedPkcs8, new Passphrase(null, "BTRFSS3_TEST_UNSET_VARIABLE")));
        for (Runnable c : cases) {
            Failure f = assertThrows(Failure.class, c::run);
            assertEquals(ExitCode.USAGE, f.exitCode(), f.getMessage());
            assertTrue(f.getMessage().contains(".pem") || f.getMessage().contains("BTRFSS3_TEST_UNSET_VARIABLE"), f.getMessage());
        }
    }
}
