package btrfss3.restore;

import btrfss3.layout.SequenceId;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.s3.model.S3Object;

/** One backup as the bucket shows it: its folder, its chunks in order, and which markers it has. */
public record StoredBackup(String folder, SequenceId id, List<S3Object> chunks, Set<String> otherNames) {
    public boolean has(String name) {
        return otherNames.contains(name);
    }

    public long storedBytes() {
        return chunks.stream().mapToLong(S3Object::size).sum();
    }
}
