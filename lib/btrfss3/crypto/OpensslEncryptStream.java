package btrfss3.crypto;

import btrfss3.pipeline.BulkOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes what {@code openssl enc -aes-256-cbc -salt -md sha512 -pbkdf2 -pass file:KEY} writes:
 * {@code Salted__}, an 8-byte random salt, then AES-256-CBC with PKCS#7 padding.
 */
public final class OpensslEncryptStream extends BulkOutputStream {
    static final byte[] MAGIC = "Salted__".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final OutputStream out;
    private final Cipher cipher;
    private final byte[] cipherText = new byte[64 * 1024 + 32];
    private boolean closed;

    public OpensslEncryptStream(OutputStream sink, OpensslPassword password) throws IOException {
        this.out = sink;
        byte[] salt = new byte[8];
        RANDOM.nextBytes(salt);
        byte[] keyIv = OpensslKdf.keyAndIv(password.bytes(), salt);
        try {
            cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyIv, 0, 32, "AES"), new IvParameterSpec(keyIv, 32, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC is not available in this Java runtime", e);
        } finally {
            Arrays.fill(keyIv, (byte) 0);
        }
        sink.write(MAGIC);
        sink.write(salt);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, 64 * 1024);
            try {
                emit(cipher.update(b, off, n, cipherText, 0));
            } catch (GeneralSecurityException e) {
                throw new IOException("encryption failed", e);
            }
            off += n;
            len -= n;
        }
    }

    private void emit(int produced) throws IOException {
        if (produced > 0) {
            out.write(cipherText, 0, produced);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            emit(cipher.doFinal(cipherText, 0));
        } catch (GeneralSecurityException e) {
            throw new IOException("encryption failed", e);
        }
        out.close();
    }
}
