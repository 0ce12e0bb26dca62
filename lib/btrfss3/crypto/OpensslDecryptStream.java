package btrfss3.crypto;

import btrfss3.pipeline.BulkInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads one chunk written by {@code openssl enc -aes-256-cbc -salt -md sha512 -pbkdf2}.
 * A wrong password or a damaged last block shows up as bad padding at the end, which is
 * reported as an IOException rather than silently dropped.
 */
public final class OpensslDecryptStream extends BulkInputStream {
    private final InputStream source;
    private final Cipher cipher;
    private final byte[] in = new byte[64 * 1024];
    private byte[] buf = new byte[64 * 1024 + 32];
    private int pos;
    private int limit;
    private boolean finished;

    public OpensslDecryptStream(InputStream source, OpensslPassword password) throws IOException {
        this.source = source;
        byte[] header = source.readNBytes(16);
        if (header.length == 0) {
            throw new EmptyChunkException();
        }
        if (header.length < 16 || !Arrays.equals(header, 0, 8, OpensslEncryptStream.MAGIC, 0, 8)) {
            throw new IOException("not an openssl-encrypted chunk (no 'Salted__' header)");
        }
        byte[] keyIv = OpensslKdf.keyAndIv(password.bytes(), Arrays.copyOfRange(header, 8, 16));
        try {
            cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keyIv, 0, 32, "AES"), new IvParameterSpec(keyIv, 32, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC is not available in this Java runtime", e);
        } finally {
            Arrays.fill(keyIv, (byte) 0);
        }
    }


    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (pos == limit) {
            if (finished) {
                return -1;
            }
            if (len >= buf.length) {
                // Room for all that one fill can give (up to a block more than it reads): decrypt
                // straight into the caller's array rather than through buf.
                int n = decrypt(b, off);
                if (n > 0) {
                    return n;
                }
                continue;
            }
            limit = decrypt(buf, 0);
            pos = 0;
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Reads what the source has (up to {@code in.length}) and decrypts it into {@code out}: the bytes written. */
    private int decrypt(byte[] out, int off) throws IOException {
        int n = source.read(in, 0, in.length);
        try {
            if (n < 0) {
                finished = true;
                return cipher.doFinal(out, off);
            }
            return cipher.update(in, 0, n, out, off);
        } catch (GeneralSecurityException e) {
            throw new IOException("chunk does not decrypt (wrong key, or the chunk is damaged or truncated)", e);
        }
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    /** A zero-byte chunk: what the original uploaded when openssl refused its key. */
    public static final class EmptyChunkException extends EOFException {
        public EmptyChunkException() {
            super("the chunk is empty");
        }
    }
}
