package btrfss3.restore;

import btrfss3.format.RestoreKey;
import btrfss3.manifest.Manifest;

/**
 * A backup whose marker opened: it can be read. Its manifest is null for backups made without one
 * (the original tools, older versions); {@code manifestProblem} says why a manifest that exists
 * cannot be trusted, and makes the backup fail wherever it is read.
 */
record OpenedBackup(StoredBackup backup, RestoreKey.ChunkDecryptor decryptor, Manifest manifest, String manifestProblem) {
    String folder() {
        return backup.folder();
    }

    long seq() {
        return backup.id().seq();
    }
}
