package btrfss3.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Backups made the way the original script made them, by a shell pipeline of the real tools
 * written from the format spec (openssl format, 256K chunks, no manifest), uploaded under
 * {@code host/EPOCH/SEQ_SALT/}.
 */
public final class ReferencePipeline {
    private static final String PIPELINE = """
            set -euo pipefail
            btrfs send -q $PARENT "$SNAP" | lz4 -q | split -b 256K --suffix-length 4 \
              --filter 'openssl enc -aes-256-cbc -salt -md sha512 -pbkdf2 -pass file:"$KEY" 2>/dev/null | cat > "$OUT/$FILE"'
            openssl pkeyutl -encrypt -pubin -inkey "$PUB" -in "$KEY" -out "$OUT/btrfs_sess_key_enc.dat"
            """;

    private ReferencePipeline() {}

    /** Snapshots {@code source} as {@code .stream_backup_EPOCH/SEQ} and stores its backup; returns the folder. */
    public static String backup(S3Client admin, String bucket, Path source, Path publicKey, String epoch, long seq,
                                Long parentSeq, byte[] sessionKey) throws IOException {
        Path dir = source.resolve(".stream_backup_" + epoch);
        Files.createDirectories(dir);
        Path snap = dir.resolve(Long.toString(seq));
        Exec.check(List.of("btrfs", "subvolume", "snapshot", "-r", source.toString(), snap.toString()), null);
        Path work = Files.createTempDirectory("original");
        try {
            Path key = Files.write(work.resolve("key"), sessionKey);
            Path out = Files.createDirectory(work.resolve("out"));
            String parent = parentSeq == null ? "" : "-p " + dir.resolve(Long.toString(parentSeq));
            var r = Exec.run(List.of("bash", "-c", PIPELINE), null, Map.of("PARENT", parent, "SNAP", snap.toString(),
                    "KEY", key.toString(), "OUT", out.toString(), "PUB", publicKey.toString()), null);
            assertEquals(0, r.exit(), r.stderr());
            String folder = "host/" + epoch + "/" + seq + "_" + String.format("%016x", new Random(seq).nextLong()) + "/";
            try (var files = Files.list(out)) {
                for (Path f : files.toList()) {
                    admin.putObject(b -> b.bucket(bucket).key(folder + f.getFileName()), RequestBody.fromFile(f));
                }
            }
            return folder;
        } finally {
            Exec.run(List.of("rm", "-rf", work.toString()), null);
        }
    }

    /** A 32-byte session key as the original made them (raw bytes), with chosen bytes forced: index, value, ... */
    public static byte[] rawKey(long seed, int... forced) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        for (int i = 0; i < k.length; i++) {
            if (k[i] == 0 || k[i] == '\n') {
                k[i] = 'k';
            }
        }
        for (int i = 0; i < forced.length; i += 2) {
            k[forced[i]] = (byte) forced[i + 1];
        }
        return k;
    }
}
