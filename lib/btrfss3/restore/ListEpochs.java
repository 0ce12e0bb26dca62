package btrfss3.restore;

import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.cli.Log;
import btrfss3.format.KeyFiles;
import btrfss3.format.RestoreKey;
import btrfss3.json.Json;
import btrfss3.layout.ObjectLayout;
import btrfss3.manifest.Manifest;
import btrfss3.s3.S3Clients;
import btrfss3.s3.S3Errors;
import btrfss3.s3.ThawPlan;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code restore --list}: the epochs under a prefix and their backups, from the listing alone
 * (names, sizes, storage classes, markers) or, with a key, also from the manifests. Read-only.
 */
public final class ListEpochs {
    private final RestoreOptions options;
    private final boolean json;
    private final Log log;
    private final PrintStream out;

    public ListEpochs(RestoreOptions options, boolean json, Log log, PrintStream out) {
        this.options = options;
        this.json = json;
        this.log = log;
        this.out = out;
    }

    public int run() {
        ObjectLayout layout = new ObjectLayout(options.prefix());
        boolean keyed = options.privateKey() != null || options.ageIdentities() != null;
        List<RestoreKey> keys = keyed
                ? KeyFiles.forRestore(options.privateKey(), options.passphrase(), options.ageIdentities()) : List.of();
        try (S3Client s3 = S3Clients.create(options.s3(), 4)) {
            List<String> epochs;
            try {
                epochs = options.epoch() != null ? List.of(ObjectLayout.checkEpoch(options.epoch()))
                        : EpochListing.epochs(s3, options.bucket(), layout.prefix());
            } catch (SdkException e) {
                throw Failure.usage("could not list s3://" + options.bucket() + "/" + layout.prefix() + "/: "
                        + S3Errors.describe(e));
            }
            EpochReader reader = new EpochReader(s3, options.bucket(), log);
            List<Object> result = new ArrayList<>();
            for (String epoch : epochs) {
                List<StoredBackup> backups = reader.list(layout, epoch);
                Map<String, Manifest> manifests = new LinkedHashMap<>();
                if (keyed) {
                    try {
                        for (OpenedBackup b : reader.open(backups, keys, epoch).backups()) {
                            manifests.put(b.folder(), b.manifest());
                        }
                    } catch (Failure e) {
                        // Another format, or other keys: the rest of the prefix can still be listed.
                        log.warn("epoch " + epoch + ": " + e.getMessage());
                    }
                }
                result.add(epoch(epoch, backups, manifests, keyed));
            }
            if (json) {
                Map<String, Object> top = new LinkedHashMap<>();
                top.put("bucket", options.bucket());
                top.put("prefix", layout.prefix());
                top.put("epochs", result);
                out.println(Json.write(top));
            } else {
                printTable(result);
            }
            return ExitCode.OK;
        }
    }

    private static Map<String, Object> epoch(String epoch, List<StoredBackup> backups, Map<String, Manifest> manifests,
                                             boolean keyed) {
        List<Object> list = new ArrayList<>();
        long chain = 0;
        for (StoredBackup b : backups) {
            String format = b.has(ObjectLayout.OPENSSL_MARKER) ? "openssl" : b.has(ObjectLayout.AGE_MARKER) ? "age" : null;
            boolean complete = format != null;
            Manifest m = manifests.get(b.folder());
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seq", b.id().seq());
            e.put("time", Instant.ofEpochSecond(b.id().seq()).toString());
            e.put("folder", b.folder());
            e.put("complete", complete);
            e.put("format", format);
            e.put("chunks", (long) b.chunks().size());
            e.put("storedBytes", b.storedBytes());
            e.put("storageClasses", new ArrayList<>(new TreeSet<>(b.chunks().stream()
                    .map(o -> o.storageClassAsString() == null ? "STANDARD" : o.storageClassAsString()).toList())));
            e.put("manifest", b.has(Manifest.OBJECT_NAME));
            e.put("kind", m == null ? null : m.incremental() ? "incremental" : "full");
            e.put("parent", m == null || m.parent() == null ? null
                    : new LinkedHashMap<>(Map.of("epoch", m.parent().epoch(), "seq", m.parent().seq())));
            e.put("streamBytes", m == null ? null : m.stream().bytes());
            e.put("readable", keyed ? manifests.containsKey(b.folder()) : null);
            e.put("chain", complete ? ++chain : null);
            list.add(e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("backups", list);
        return m;
    }

    @SuppressWarnings("unchecked")
    private void printTable(List<Object> epochs) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"EPOCH", "SEQ", "TIME (UTC)", "KIND", "FORMAT", "CHUNKS", "STORED", "CLASS", "STATE", "CHAIN"});
        for (Object o : epochs) {
            Map<String, Object> epoch = (Map<String, Object>) o;
            for (Object bo : (List<Object>) epoch.get("backups")) {
                Map<String, Object> b = (Map<String, Object>) bo;
                Map<String, Object> parent = (Map<String, Object>) b.get("parent");
                String kind = b.get("kind") == null ? "?" : parent == null ? "full"
                        : "incr. on " + (parent.get("epoch").equals(epoch.get("epoch")) ? "" : parent.get("epoch") + "/")
                        + parent.get("seq");
                boolean complete = (Boolean) b.get("complete");
                String state = !complete ? "incomplete"
                        : Boolean.FALSE.equals(b.get("readable")) ? "unreadable" : "complete";
                rows.add(new String[] {
                    (String) epoch.get("epoch"), String.valueOf(b.get("seq")),
                    ((String) b.get("time")).replace('T', ' ').replace("Z", ""), kind,
                    b.get("format") == null ? "-" : (String) b.get("format"), String.valueOf(b.get("chunks")),
                    ThawPlan.size((Long) b.get("storedBytes")), String.join(",", (List<String>) b.get("storageClasses")),
                    state, b.get("chain") == null ? "-" : String.valueOf(b.get("chain"))});
            }
        }
        int[] width = new int[rows.get(0).length];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        });
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == 0 ? "" : "  ").append(i == r.length - 1 ? r[i] : String.format("%-" + width[i] + "s", r[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
