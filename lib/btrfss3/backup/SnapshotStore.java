package btrfss3.backup;

import btrfss3.btrfs.Btrfs;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The chain's local state, kept in btrfs itself. Snapshots live at
 * {@code SUBVOLUME/.stream_backup_EPOCH/SEQ}, where the original tool keeps them, and a snapshot
 * whose upload has not finished carries a tombstone: an empty file
 * {@code .stream_backup_EPOCH/.incomplete/SEQ}, created before the snapshot is taken and removed
 * only once the marker is stored. A snapshot with a tombstone is never a parent; the next run
 * deletes it.
 *
 * <p>Why not take the snapshot inside .incomplete/ and rename it out: btrfs refuses to move a
 * read-only subvolume to another directory (EROFS), and the send stream records the snapshot's
 * name, so it cannot carry a temporary name either. Removing the tombstone is the one atomic step.
 * The .incomplete folder is a subvolume of its own, so tombstones never end up inside snapshots.
 *
 * <p>The same folder remembers the epoch's format and key fingerprint (file {@code key}), so an
 * epoch is never continued with another key: restore reads one epoch with one key.
 */
public final class SnapshotStore {
    static final String DIR_PREFIX = ".stream_backup_";
    static final String INCOMPLETE = ".incomplete";
    private static final String KEY_FILE = "key";

    private final Path subvolume;
    private final Btrfs btrfs;

    public SnapshotStore(Path subvolume, Btrfs btrfs) {
        this.subvolume = subvolume;
        this.btrfs = btrfs;
    }

    public Path epochDir(String epoch) {
        return subvolume.resolve(DIR_PREFIX + epoch);
    }

    public Path snapshot(String epoch, long seq) {
        return epochDir(epoch).resolve(Long.toString(seq));
    }

    private Path tombstones(String epoch) {
        return epochDir(epoch).resolve(INCOMPLETE);
    }

    private Path tombstone(String epoch, long seq) {
        return tombstones(epoch).resolve(Long.toString(seq));
    }

    /** SEQs of the completed snapshots of exactly this epoch. */
    public List<Long> completed(String epoch) throws IOException {
        List<Long> seqs = new ArrayList<>();
        for (long seq : numericEntries(epochDir(epoch), true)) {
            if (!Files.exists(tombstone(epoch, seq))) {
                seqs.add(seq);
            }
        }
        return seqs;
    }

    /** SEQs a killed run left unfinished: their snapshots (if taken) must go. */
    public List<Long> orphans(String epoch) throws IOException {
        return numericEntries(tombstones(epoch), false);
    }

    /** The format and key fingerprint this epoch was started with, if a run of this tool recorded one. */
    public java.util.Optional<String> recordedKey(String epoch) throws IOException {
        Path file = tombstones(epoch).resolve(KEY_FILE);
        return Files.exists(file) ? java.util.Optional.of(Files.readString(file).strip()) : java.util.Optional.empty();
    }

    /** Records the epoch's format and key fingerprint, once. */
    public void recordKey(String epoch, String key) throws IOException {
        Path file = tombstones(epoch).resolve(KEY_FILE);
        if (!Files.exists(file)) {
            Path tmp = tombstones(epoch).resolve(KEY_FILE + ".tmp");
            Files.writeString(tmp, key + "\n");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(tombstones(epoch));
        }
    }

    /** Marks {@code seq} unfinished, durably, and returns where its snapshot goes. */
    public Path begin(String epoch, long seq) throws IOException {
        Path dir = tombstones(epoch);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(epochDir(epoch));
            btrfs.createSubvolume(dir);
        }
        Files.createFile(tombstone(epoch, seq));
        syncDirectory(dir);
        return snapshot(epoch, seq);
    }

    /** The marker is stored: the snapshot may now be a parent. */
    public void promote(String epoch, long seq) throws IOException {
        Files.delete(tombstone(epoch, seq));
        syncDirectory(tombstones(epoch));
    }

    /** Deletes an unfinished snapshot (if it was taken) and then its tombstone. */
    public void discard(String epoch, long seq) throws IOException {
        Path snap = snapshot(epoch, seq);
        if (Btrfs.looksLikeSubvolume(snap)) {
            btrfs.delete(snap);
        }
        Files.deleteIfExists(tombstone(epoch, seq));
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static List<Long> numericEntries(Path dir, boolean subvolumesOnly) throws IOException {
        List<Long> seqs = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return seqs;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.matches("\\d{1,19}") && (!subvolumesOnly || Btrfs.looksLikeSubvolume(p))) {
                    seqs.add(Long.parseLong(name));
                }
            }
        }
        seqs.sort(Long::compare);
        return seqs;
    }
}
