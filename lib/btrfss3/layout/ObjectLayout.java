package btrfss3.layout;

import btrfss3.cli.Failure;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where every object of a backup lives: {@code PREFIX/EPOCH/SEQ_SALT/NAME}. This is the
 * compatibility contract with the original shell tool, so names are built and parsed here only.
 */
public final class ObjectLayout {
    /** The completion marker of the openssl/RSA format: the RSA-encrypted session password. */
    public static final String OPENSSL_MARKER = "btrfs_sess_key_enc.dat";
    /** The completion marker of the age format: the age-encrypted `btrfs subvolume show` text. */
    public static final String AGE_MARKER = "snapshot_info.dat";

    private static final Pattern EPOCH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+=@-]{0,127}");
    private static final Pattern PREFIX_SEGMENT = Pattern.compile("[A-Za-z0-9._+=@,:-]{1,255}");
    private static final Pattern SEQUENCE_DIR = Pattern.compile("(\\d{1,19})_([0-9a-f]{1,64})");

    private final String prefix;

    public ObjectLayout(String prefix) {
        this.prefix = checkPrefix(prefix);
    }

    public String prefix() {
        return prefix;
    }

    /** {@code PREFIX/EPOCH/}, the listing prefix of an epoch. */
    public String epochPrefix(String epoch) {
        return prefix + "/" + checkEpoch(epoch) + "/";
    }

    /** {@code PREFIX/EPOCH/SEQ_SALT/}, the folder of one backup. */
    public String sequencePrefix(String epoch, SequenceId id) {
        return epochPrefix(epoch) + id.dirName() + "/";
    }

    /** Parses the last path element of a common prefix returned by a delimited listing. */
    public static Optional<SequenceId> parseSequenceDir(String commonPrefix) {
        String s = commonPrefix.endsWith("/") ? commonPrefix.substring(0, commonPrefix.length() - 1) : commonPrefix;
        String last = s.substring(s.lastIndexOf('/') + 1);
        var m = SEQUENCE_DIR.matcher(last);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new SequenceId(Long.parseLong(m.group(1)), m.group(2)));
    }

    /**
     * Epoch names become part of object keys and of a local directory name
     * ({@code .stream_backup_EPOCH}), so anything that could change either layout is refused.
     */
    public static String checkEpoch(String epoch) {
        if (epoch == null || !EPOCH.matcher(epoch).matches()) {
            throw Failure.usage("invalid epoch name '" + printable(epoch)
                    + "': use letters, digits and . _ - + = @ (at most 128, starting with a letter or digit)");
        }
        return epoch;
    }

    /**
     * Leading or trailing slashes are refused, not normalised: the original tool would have
     * stored such a prefix under different keys, and guessing which the user meant could
     * put a chain in two places.
     */
    public static String checkPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw Failure.usage("the prefix must not be empty");
        }
        if (prefix.startsWith("/") || prefix.endsWith("/")) {
            throw Failure.usage("invalid prefix '" + printable(prefix)
                    + "': no leading or trailing '/' (write it as in PREFIX/EPOCH/..., e.g. 'hosts/alpha')");
        }
        for (String segment : prefix.split("/", -1)) {
            if (!PREFIX_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw Failure.usage("invalid prefix '" + printable(prefix)
                        + "': each '/'-separated part must be non-empty and use letters, digits and . _ - + = @ , :");
            }
        }
        return prefix;
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
