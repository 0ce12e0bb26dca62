package btrfss3.restore;

import btrfss3.cli.Failure;
import btrfss3.cli.Log;
import btrfss3.format.RestoreKey;
import btrfss3.json.Json;
import btrfss3.layout.ObjectLayout;
import btrfss3.manifest.Manifest;
import btrfss3.s3.S3Errors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Opens an epoch for reading: lists it, decrypts every marker and manifest first, so a wrong key or
 * a damaged manifest is reported before anything is received. Shared by restore and verify.
 */
final class EpochReader {
    /** What an epoch offers: the backups that open, and where its chain is known to end, if it does. */
    record Opened(List<OpenedBackup> backups, String brokenAt) {}

    /** A manifest is a few hundred bytes per chunk; anything far larger was not written by a backup. */
    private static final int MAX_MANIFEST = 256 << 20;

    private final S3Client s3;
    private final String bucket;
    private final Log log;

    EpochReader(S3Client s3, String bucket, Log log) {
        this.s3 = s3;
        this.bucket = bucket;
        this.log = log;
    }

    /** Tells each key, before any stream starts, how much of these backups it will decrypt. */
    static void expect(List<RestoreKey> keys, List<StoredBackup> toRead) {
        for (RestoreKey key : keys) {
            key.expect(toRead.stream().filter(b -> b.has(key.markerName())).mapToLong(StoredBackup::storedBytes).sum());
        }
    }

    List<StoredBackup> list(ObjectLayout layout, String epoch) {
        String epochPrefix = layout.epochPrefix(epoch);
        List<StoredBackup> backups;
        try {
            backups = EpochListing.list(s3, bucket, epochPrefix);
        } catch (SdkException e) {
            throw Failure.usage("could not list s3://" + bucket + "/" + epochPrefix + ": " + S3Errors.describe(e));
        }
        if (backups.isEmpty()) {
            throw Failure.usage("no backup found in s3://" + bucket + "/" + epochPrefix);
        }
        return backups;
    }

    /**
     * Opens every backup's marker with the first key that reads its format. Backups without a marker
     * are skipped with a warning (a backup that was interrupted), as are markers that do not open
     * when others do; if none opens, the key is wrong.
     */
    Opened open(List<StoredBackup> backups, List<RestoreKey> keys, String where) {
        // For each backup, the first key that reads its format, or null.
        List<RestoreKey> keyOf = backups.stream()
                .map(b -> keys.stream().filter(k -> b.has(k.markerName())).findFirst().orElse(null)).toList();
        List<List<String>> small = new ArrayList<>();
        for (int i = 0; i < backups.size(); i++) {
            StoredBackup b = backups.get(i);
            RestoreKey key = keyOf.get(i);
            small.add(key == null ? List.of()
                    : b.has(Manifest.OBJECT_NAME) ? List.of(markerObject(b, key), manifestObject(b))
                    : List.of(markerObject(b, key)));
        }
        try (SmallObjectPrefetch prefetch = new SmallObjectPrefetch(s3, bucket, small)) {
            return open(backups, keys, keyOf, where, prefetch);
        }
    }

    private static String markerObject(StoredBackup b, RestoreKey key) {
        return b.folder() + key.markerName();
    }

    private static String manifestObject(StoredBackup b) {
        return b.folder() + Manifest.OBJECT_NAME;
    }

    private Opened open(List<StoredBackup> backups, List<RestoreKey> keys, List<RestoreKey> keyOf, String where,
                        SmallObjectPrefetch prefetch) {
        List<OpenedBackup> opened = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        String brokenAt = null;
        for (int i = 0; i < backups.size(); i++) {
            StoredBackup b = backups.get(i);
            RestoreKey key = keyOf.get(i);
            if (key == null) {
                if (b.has(ObjectLayout.AGE_MARKER) || b.has(ObjectLayout.OPENSSL_MARKER)) {
                    boolean age = b.has(ObjectLayout.AGE_MARKER);
                    throw Failure.usage(b.folder() + " is in the " + (age ? "age" : "openssl") + " format: read it with "
                            + (age ? "-i AGE_IDENTITY_FILE" : "-k RSA_PRIVATE_KEY") + ", not with "
                            + keys.get(0).description());
                }
                skipWarning(b.folder() + " skipped: it has no completion marker (an interrupted backup)");
                continue;
            }
            RestoreKey.ChunkDecryptor decryptor;
            try {
                decryptor = key.open(prefetch.get(i, markerObject(b, key)));
            } catch (RestoreKey.MarkerException e) {
                if (e.chainBroken()) {
                    brokenAt = b.folder() + ": " + e.getMessage();
                    break;
                }
                refused.add(b.folder() + " skipped: " + e.getMessage());
                continue;
            }
            Manifest manifest = null;
            String problem = null;
            if (b.has(Manifest.OBJECT_NAME)) {
                try {
                    manifest = readManifest(b, decryptor, key.format(), prefetch.get(i, manifestObject(b)));
                } catch (IOException | RuntimeException e) {
                    problem = "its manifest cannot be used: " + e.getMessage();
                }
            }
            opened.add(new OpenedBackup(b, decryptor, manifest, problem));
        }
        if (opened.isEmpty() && !refused.isEmpty()) {
            // Not one backup opens: the key is wrong, not the backups.
            throw Failure.usage("none of the " + refused.size() + " backups in " + where + " opens with "
                    + keys.get(0).description() + " (" + refused.get(0).replaceFirst(".* skipped: ", "")
                    + "): is it the key the backups were made for?");
        }
        refused.forEach(this::skipWarning);
        return new Opened(opened, brokenAt);
    }

    private void skipWarning(String what) {
        log.warn(what + ". This is harmless if a backup failed and was cleaned up, "
                + "but if a later backup was built on this one, restoring it will fail.");
    }

    /** Decrypts and parses a manifest, and checks it names this backup: one copied from another is refused. */
    private Manifest readManifest(StoredBackup b, RestoreKey.ChunkDecryptor decryptor, String format, byte[] stored)
            throws IOException {
        byte[] plain;
        try (InputStream in = decryptor.decrypt(new java.io.ByteArrayInputStream(stored))) {
            plain = in.readNBytes(MAX_MANIFEST + 1);
        }
        if (plain.length > MAX_MANIFEST) {
            throw new IOException("it is larger than " + (MAX_MANIFEST >> 20) + " MiB");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("it is not UTF-8 text");
        }
        Manifest m;
        try {
            m = Manifest.parse(text);
        } catch (Json.JsonException e) {
            throw new IOException(e.getMessage());
        }
        String epoch = epochOf(b.folder());
        if (!m.folder().equals(b.id().dirName()) || !m.epoch().equals(epoch) || m.seq() != b.id().seq()) {
            throw new IOException("it describes backup " + m.epoch() + "/" + m.folder() + ", not this one: "
                    + "it was copied from another backup");
        }
        if (!m.format().equals(format)) {
            throw new IOException("it says the backup is in the " + m.format() + " format, its marker is " + format);
        }
        return m;
    }

    /** {@code PREFIX/EPOCH/SEQ_SALT/} -> EPOCH. */
    static String epochOf(String folder) {
        String s = folder.substring(0, folder.length() - 1);
        s = s.substring(0, s.lastIndexOf('/'));
        return s.substring(s.lastIndexOf('/') + 1);
    }
}
