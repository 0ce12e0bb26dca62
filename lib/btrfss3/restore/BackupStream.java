package btrfss3.restore;

import btrfss3.manifest.Manifest;
import btrfss3.manifest.ManifestCheck;
import btrfss3.pipeline.Lz4Streams;
import btrfss3.pipeline.MeasuringInputStream;
import btrfss3.pipeline.StageInputStream;
import btrfss3.stream.SendStreamVerifier;
import btrfss3.stream.StreamSummary;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The checked {@code btrfs send} stream of one stored backup: {@code S3 -> decrypt -> lz4 -d ->
 * stream check}, downloads and decryption running ahead on their own threads. Everything the
 * bucket says about the backup is held against the stream: the snapshot's name, and with a
 * manifest every chunk's size and hash, the stream's length and UUIDs. Errors name the backup's
 * part that is wrong; the caller names the backup.
 */
final class BackupStream implements Closeable {
    private final OpenedBackup backup;
    private final SendStreamVerifier in;
    private final MeasuringInputStream measured;
    private boolean named;

    /** @param hashStream also hash the whole stream against the manifest (verify does; chunk hashes already cover it) */
    BackupStream(S3Client s3, String bucket, OpenedBackup backup, boolean hashStream, RestoreReport report)
            throws IOException {
        this.backup = backup;
        if (backup.manifestProblem() != null) {
            throw new IOException(backup.manifestProblem());
        }
        Manifest m = backup.manifest();
        List<S3Object> chunks = backup.backup().chunks();
        if (m != null) {
            Map<String, Long> listed = new LinkedHashMap<>();
            chunks.forEach(o -> listed.put(o.key().substring(o.key().lastIndexOf('/') + 1), o.size()));
            List<String> problems = ManifestCheck.listing(m, listed);
            if (!problems.isEmpty()) {
                throw new IOException(String.join("; ", problems));
            }
        }
        if (chunks.isEmpty()) {
            throw new IOException("it has no chunks");
        }
        InputStream plain = Lz4Streams.decompress(new StageInputStream(
                new ChunkStream(s3, bucket, chunks, backup.decryptor(), m == null ? null : m.chunks(), report), 1 << 20, 8));
        this.measured = hashStream && m != null ? new MeasuringInputStream(plain) : null;
        this.in = new SendStreamVerifier(measured != null ? measured : plain);
    }

    int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (!named && in.subvolume() != null) {
            named = true;
            // Chunks of another backup decrypt fine when the keys are the same: the
            // snapshot's name in the stream tells them apart.
            String expected = backup.backup().id().snapshotName();
            if (!expected.equals(in.subvolume().name())) {
                throw new IOException("its chunks hold a stream of snapshot '" + in.subvolume().name()
                        + "', not of " + expected + ": they belong to another backup");
            }
        }
        return n;
    }

    /** After the end of the stream: the summary, once it agrees with the manifest. */
    StreamSummary finish() throws IOException {
        StreamSummary s = in.summary();
        Manifest m = backup.manifest();
        if (m == null) {
            return s;
        }
        if (s.bytes() != m.stream().bytes()) {
            throw new IOException("its stream has " + s.bytes() + " bytes, the manifest says " + m.stream().bytes());
        }
        if (measured != null && !measured.sha256Hex().equals(m.stream().sha256())) {
            throw new IOException("its stream's SHA-256 differs from the manifest's");
        }
        if (!s.uuid().toString().equals(m.uuid())
                || !Objects.equals(s.parentUuid() == null ? null : s.parentUuid().toString(), m.parentUuid())) {
            throw new IOException("its stream is of snapshot " + s.uuid() + (s.parentUuid() == null ? "" : " on " + s.parentUuid())
                    + ", the manifest names " + m.uuid() + (m.parentUuid() == null ? "" : " on " + m.parentUuid()));
        }
        return s;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
