package btrfss3.restore;

import btrfss3.layout.ChunkNames;
import btrfss3.layout.ObjectLayout;
import btrfss3.layout.SequenceId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads an epoch's backups from one paginated listing of {@code PREFIX/EPOCH/}. Objects in
 * folders that are not {@code SEQ_SALT}, and names other than chunks, are set aside, never read
 * as part of a stream.
 */
public final class EpochListing {
    private EpochListing() {}

    /** The epochs under {@code PREFIX/}: the folders whose names are valid epoch names, in name order. */
    public static List<String> epochs(S3Client s3, String bucket, String prefix) {
        List<String> epochs = new ArrayList<>();
        var pages = s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + "/").delimiter("/"));
        for (var common : pages.commonPrefixes()) {
            String p = common.prefix();
            String name = p.substring(prefix.length() + 1, p.length() - 1);
            try {
                epochs.add(ObjectLayout.checkEpoch(name));
            } catch (RuntimeException e) {
                // Not something a backup made.
            }
        }
        return epochs;
    }

    public static List<StoredBackup> list(S3Client s3, String bucket, String epochPrefix) {
        Map<SequenceId, List<S3Object>> chunks = new TreeMap<>();
        Map<SequenceId, Set<String>> others = new TreeMap<>();
        Map<SequenceId, String> folders = new TreeMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(epochPrefix)).contents()) {
            String rest = o.key().substring(epochPrefix.length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                continue;
            }
            Optional<SequenceId> id = ObjectLayout.parseSequenceDir(rest.substring(0, slash));
            String name = rest.substring(slash + 1);
            if (id.isEmpty() || name.contains("/")) {
                continue;
            }
            folders.put(id.get(), epochPrefix + rest.substring(0, slash + 1));
            if (ChunkNames.isChunk(name)) {
                chunks.computeIfAbsent(id.get(), k -> new ArrayList<>()).add(o);
            } else {
                others.computeIfAbsent(id.get(), k -> new HashSet<>()).add(name);
            }
        }
        List<StoredBackup> backups = new ArrayList<>();
        for (var e : folders.entrySet()) {
            List<S3Object> list = chunks.getOrDefault(e.getKey(), new ArrayList<>());
            list.sort(Comparator.comparing(S3Object::key));
            backups.add(new StoredBackup(e.getValue(), e.getKey(), List.copyOf(list),
                    Set.copyOf(others.getOrDefault(e.getKey(), Set.of()))));
        }
        return backups;
    }
}
