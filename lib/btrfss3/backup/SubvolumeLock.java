package btrfss3.backup;

import btrfss3.cli.Failure;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One backup per subvolume at a time. The lock is an advisory lock on a file outside the
 * subvolume (a file inside would end up in the snapshots); the kernel drops it when the process
 * dies, even by kill -9, so a crash never leaves a stale lock.
 */
public final class SubvolumeLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private SubvolumeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static SubvolumeLock acquire(String subvolumeUuid, Path subvolume) {
        Path dir = Files.isDirectory(Path.of("/run/lock")) ? Path.of("/run/lock/btrfs-send-to-s3") : Path.of("/tmp/btrfs-send-to-s3-locks");
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(dir.resolve(subvolumeUuid + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw Failure.usage("another backup of " + subvolume + " is running (lock "
                        + dir.resolve(subvolumeUuid + ".lock") + "); refusing to run two at once");
            }
            return new SubvolumeLock(ch, l);
        } catch (IOException e) {
            throw Failure.usage("cannot create the lock file in " + dir + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // Closing the channel releases the lock anyway.
        }
    }
}
