package btrfss3.format;

import btrfss3.btrfs.SubvolumeInfo;
import btrfss3.crypto.IntrinsicWarmup;
import btrfss3.crypto.OpensslEncryptStream;
import btrfss3.crypto.OpensslPassword;
import btrfss3.crypto.RsaSessionKey;
import btrfss3.layout.ObjectLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;

/**
 * The original tool's first format: each chunk is {@code openssl enc -aes-256-cbc -salt -md sha512
 * -pbkdf2} under a per-backup session password, and the marker is that password RSA-encrypted.
 */
public final class OpensslFormat implements BackupFormat {
    public static final String NAME = "openssl";
    private final RSAPublicKey key;
    private final OpensslPassword password = OpensslPassword.generate();

    public OpensslFormat(RSAPublicKey key) {
        this.key = key;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String markerName() {
        return ObjectLayout.OPENSSL_MARKER;
    }

    @Override
    public OutputStream encryptChunk(OutputStream stored) throws IOException {
        return new OpensslEncryptStream(stored, password);
    }

    @Override
    public Set<IntrinsicWarmup.Path> bulkPaths() {
        return Set.of(IntrinsicWarmup.Path.AES_CBC_ENCRYPT);
    }

    @Override
    public byte[] marker(SubvolumeInfo snapshot) {
        return RsaSessionKey.encrypt(password, key);
    }

    @Override
    public void close() {
        password.close();
    }
}
