package btrfss3.format;

import btrfss3.crypto.IntrinsicWarmup;
import btrfss3.crypto.OpensslDecryptStream;
import btrfss3.crypto.OpensslPassword;
import btrfss3.crypto.RsaSessionKey;
import btrfss3.layout.ObjectLayout;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPrivateKey;
import java.util.Arrays;
import java.util.Set;

/** Reads openssl-format backups, including the original's raw 32-byte session keys. */
public final class OpensslRestoreKey implements RestoreKey {
    private final RSAPrivateKey key;

    public OpensslRestoreKey(RSAPrivateKey key) {
        this.key = key;
    }

    @Override
    public String description() {
        return "an RSA private key (-k)";
    }

    @Override
    public String format() {
        return OpensslFormat.NAME;
    }

    @Override
    public String markerName() {
        return ObjectLayout.OPENSSL_MARKER;
    }

    @Override
    public Set<IntrinsicWarmup.Path> bulkPaths() {
        return Set.of(IntrinsicWarmup.Path.AES_CBC_DECRYPT);
    }

    @Override
    public ChunkDecryptor open(byte[] marker) throws MarkerException {
        byte[] keyFile;
        try {
            keyFile = RsaSessionKey.decrypt(marker, key);
        } catch (GeneralSecurityException e) {
            throw new MarkerException("its session key does not decrypt with this RSA key", false);
        }
        OpensslPassword password;
        try {
            password = OpensslPassword.fromKeyFileContents(keyFile);
        } catch (OpensslPassword.UnusablePasswordException e) {
            throw new MarkerException(e.getMessage() + " when it was made; the original tool then uploaded empty "
                    + "chunks, so this backup holds no data", true);
        } finally {
            Arrays.fill(keyFile, (byte) 0);
        }
        return stored -> new OpensslDecryptStream(stored, password);
    }
}
