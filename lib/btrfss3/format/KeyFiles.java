package btrfss3.format;

import btrfss3.age.AgeException;
import btrfss3.age.IdentityFile;
import btrfss3.age.Recipient;
import btrfss3.age.RecipientsFile;
import btrfss3.cli.Failure;
import btrfss3.crypto.Passphrase;
import btrfss3.crypto.RsaKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns the key options into a format: {@code -k} (RSA, openssl format) or {@code -r}/{@code -i}
 * (age). Every problem with a key file is a one-line usage error that names the file.
 */
public final class KeyFiles {
    private KeyFiles() {}

    /** The format a backup writes, and a fingerprint of its keys that the epoch remembers. */
    public record Writer(BackupFormat format, String keyFingerprint) {}

    public static Writer forBackup(Path rsaPublicKey, Path ageRecipients) {
        if (rsaPublicKey != null) {
            RSAPublicKey key = RsaKeys.loadPublic(rsaPublicKey);
            return new Writer(new OpensslFormat(key), "rsa:" + sha256(key.getEncoded()));
        }
        List<Recipient> recipients;
        try {
            recipients = RecipientsFile.read(ageRecipients);
        } catch (AgeException e) {
            throw Failure.usage(e.getMessage());
        } catch (IOException e) {
            throw Failure.usage(unreadable(ageRecipients, e));
        }
        try {
            var format = new AgeFormat(recipients);
            List<String> names = new ArrayList<>();
            recipients.forEach(r -> names.add(r.toString()));
            names.sort(null);
            // Encrypting nothing checks the recipients (age refuses to mix post-quantum and classic
            // ones) before any snapshot is taken.
            format.encryptChunk(java.io.OutputStream.nullOutputStream()).close();
            return new Writer(format, "age:" + sha256(String.join("\n", names).getBytes(StandardCharsets.US_ASCII)));
        } catch (IllegalArgumentException | IOException e) {
            throw Failure.usage(ageRecipients + ": " + e.getMessage());
        }
    }

    public static List<RestoreKey> forRestore(Path rsaPrivateKey, Passphrase passphrase, Path ageIdentities) {
        List<RestoreKey> keys = new ArrayList<>();
        if (rsaPrivateKey != null) {
            keys.add(new OpensslRestoreKey(RsaKeys.loadPrivate(rsaPrivateKey, passphrase)));
        }
        if (ageIdentities != null) {
            try {
                keys.add(new AgeRestoreKey(IdentityFile.read(ageIdentities)));
            } catch (AgeException e) {
                throw Failure.usage(e.getMessage());
            } catch (IOException e) {
                throw Failure.usage(unreadable(ageIdentities, e));
            }
        }
        if (keys.isEmpty()) {
            throw Failure.usage("give the key the backups were made for: -k RSA_PRIVATE_KEY or -i AGE_IDENTITY_FILE");
        }
        return keys;
    }

    private static String unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "key file not found: " + file;
        }
        if (e instanceof AccessDeniedException) {
            return "key file not readable: " + file;
        }
        return "cannot read key file " + file + ": " + e.getClass().getSimpleName();
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
