package btrfss3.layout;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * One backup's identity: SEQ, the Unix time in seconds that also names the snapshot, and a
 * random salt that makes the folder name unguessable to whoever can only write.
 */
public record SequenceId(long seq, String salt) implements Comparable<SequenceId> {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static SequenceId create(long seq) {
        byte[] salt = new byte[8];
        RANDOM.nextBytes(salt);
        return new SequenceId(seq, HexFormat.of().formatHex(salt));
    }

    public String dirName() {
        return seq + "_" + salt;
    }

    /** The name btrfs gives the snapshot, locally and on the restore side. */
    public String snapshotName() {
        return Long.toString(seq);
    }

    @Override
    public int compareTo(SequenceId o) {
        int c = Long.compare(seq, o.seq);
        return c != 0 ? c : salt.compareTo(o.salt);
    }

    @Override
    public String toString() {
        return dirName();
    }
}
