package btrfss3.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks made before anything is touched. */
public final class Preconditions {
    private Preconditions() {}

    /** btrfs send, snapshot and receive need root, as the original tool required. */
    public static void requireRoot() {
        int uid;
        try {
            uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            uid = -1;
        }
        if (uid != 0) {
            throw Failure.usage("please run as root (btrfs send, snapshot and receive need it)");
        }
    }
}
