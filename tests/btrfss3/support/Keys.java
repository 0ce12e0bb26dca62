package btrfss3.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** RSA key pairs made by the real openssl, once per test JVM. */
public final class Keys {
    private static Keys shared;
    public final Path privateKey;
    public final Path publicKey;

    private Keys(Path dir) throws IOException {
        privateKey = dir.resolve("private.pem");
        publicKey = dir.resolve("public.pem");
        Exec.check(List.of("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-out", privateKey.toString()), null);
        Exec.check(List.of("openssl", "rsa", "-in", privateKey.toString(), "-pubout", "-out", publicKey.toString()), null);
    }

    public static synchronized Keys rsa() throws IOException {
        if (shared == null) {
            Path dir = Files.createTempDirectory("btrfss3-keys");
            dir.toFile().deleteOnExit();
            shared = new Keys(dir);
            shared.privateKey.toFile().deleteOnExit();
            shared.publicKey.toFile().deleteOnExit();
        }
        return shared;
    }
}
