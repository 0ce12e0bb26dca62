package btrfss3.backup;

import btrfss3.btrfs.Btrfs;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The chain's local state, kept in btrfs itself: completed read-only snapshots at
 * {@code SUBVOLUME/.stream_backup_EPOCH/SEQ} (where the original tool keeps them), and snapshots
 * still being uploaded under {@code .incomplete/}, from where only a stored marker promotes them.
 * A snapshot that never reached S3 can therefore never become a parent.
 */
public final class SnapshotStore {
    static final String DIR_PREFIX = ".stream_backup_";
    static final String INCOMPLETE = ".incomplete";

    private final Path subvolume;

    public SnapshotStore(Path subvolume) {
        this.subvolume = subvolume;
    }

    public Path epochDir(String epoch) {
        return subvolume.resolve(DIR_PREFIX + epoch);
    }

    public Path snapshot(String epoch, long seq) {
        return epochDir(epoch).resolve(Long.toString(seq));
    }

    public Path incomplete(String epoch, long seq) {
        return epochDir(epoch).resolve(INCOMPLETE).resolve(Long.toString(seq));
    }

    /** SEQs of the completed snapshots of exactly this epoch. */
    public List<Long> completed(String epoch) throws IOException {
        return numericSubvolumes(epochDir(epoch));
    }

    /** Snapshots a killed run left in .incomplete/ of this epoch. */
    public List<Path> orphans(String epoch) throws IOException {
        List<Path> found = new ArrayList<>();
        for (long seq : numericSubvolumes(epochDir(epoch).resolve(INCOMPLETE))) {
            found.add(incomplete(epoch, seq));
        }
        return found;
    }

    public Path prepareIncomplete(String epoch, long seq) throws IOException {
        Files.createDirectories(epochDir(epoch).resolve(INCOMPLETE));
        return incomplete(epoch, seq);
    }

    /** One rename, same basename: the name btrfs send recorded stays the same. */
    public Path promote(String epoch, long seq) throws IOException {
        return Files.move(incomplete(epoch, seq), snapshot(epoch, seq), StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<Long> numericSubvolumes(Path dir) throws IOException {
        List<Long> seqs = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return seqs;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.matches("\\d{1,19}") && Btrfs.looksLikeSubvolume(p)) {
                    seqs.add(Long.parseLong(name));
                }
            }
        }
        seqs.sort(Long::compare);
        return seqs;
    }
}
