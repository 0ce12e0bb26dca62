package btrfss3.manifest;

import btrfss3.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What one backup holds, written by the backup that made it and stored encrypted next to its
 * chunks ({@link #OBJECT_NAME}), before the marker: enough to check every stored object and the
 * send stream without btrfs, and to find the epoch a branched chain starts from. Version 1 is
 * specified in the README ("Manifest"); readers refuse versions they do not know.
 *
 * @param tool       the tool and version that wrote it
 * @param format     "openssl" or "age"
 * @param folder     {@code SEQ_SALT}: a manifest copied into another backup's folder is told apart
 * @param parent     the snapshot the increment was sent from, or null for a full send
 * @param branch     true when the parent belongs to another epoch ({@code -B})
 * @param uuid       UUID of the snapshot on the source
 * @param parentUuid UUID of the parent snapshot on the source, or null
 * @param chunks     in name order
 * @param stream     the whole {@code btrfs send} stream, before compression
 */
public record Manifest(String tool, String format, String epoch, long seq, String folder, Instant created,
                       Parent parent, boolean branch, String uuid, String parentUuid, List<Chunk> chunks,
                       Digest stream) {
    public static final int VERSION = 1;
    /** Not {@code x[a-z]*} and not a marker: the original restore never reads it. */
    public static final String OBJECT_NAME = "btrfs_manifest_enc.dat";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public record Parent(String epoch, long seq) {}

    /** A stored object: its name, the bytes that were encrypted into it, and the stored object itself. */
    public record Chunk(String name, long plainBytes, long storedBytes, String sha256) {}

    /** Length and SHA-256 (lowercase hex) of a byte stream. */
    public record Digest(long bytes, String sha256) {}

    public Manifest {
        chunks = List.copyOf(chunks);
    }

    public boolean incremental() {
        return parent != null;
    }

    public long storedBytes() {
        return chunks.stream().mapToLong(Chunk::storedBytes).sum();
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("manifest", (long) VERSION);
        m.put("tool", tool);
        m.put("format", format);
        m.put("epoch", epoch);
        m.put("seq", seq);
        m.put("folder", folder);
        m.put("created", created.toString());
        m.put("parent", parent == null ? null : new LinkedHashMap<>(Map.of("epoch", parent.epoch(), "seq", parent.seq())));
        m.put("branch", branch);
        m.put("uuid", uuid);
        m.put("parentUuid", parentUuid);
        m.put("compression", "lz4");
        List<Object> list = new ArrayList<>();
        for (Chunk c : chunks) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", c.name());
            e.put("plainBytes", c.plainBytes());
            e.put("storedBytes", c.storedBytes());
            e.put("sha256", c.sha256());
            list.add(e);
        }
        m.put("chunks", list);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("bytes", stream.bytes());
        s.put("sha256", stream.sha256());
        m.put("stream", s);
        return Json.write(m) + "\n";
    }

    /**
     * Reads a manifest, insisting on every field of its version: a manifest is only useful if
     * each check it feeds can trust it.
     *
     * @throws Json.JsonException naming what is wrong
     */
    public static Manifest parse(String text) {
        Map<String, Object> m = Json.parseObject(text);
        Object version = m.get("manifest");
        if (!(version instanceof Long v) || v != VERSION) {
            throw new Json.JsonException("manifest version " + version + " is not known to this version of the tool"
                    + " (it reads version " + VERSION + "): use a newer version");
        }
        Map<String, Object> p = optionalObject(m, "parent");
        List<Chunk> chunks = new ArrayList<>();
        for (Object o : list(m, "chunks")) {
            if (!(o instanceof Map<?, ?> c)) {
                throw new Json.JsonException("'chunks' holds something that is not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> cm = (Map<String, Object>) c;
            chunks.add(new Chunk(string(cm, "name"), count(cm, "plainBytes"), count(cm, "storedBytes"), sha256(cm)));
        }
        Map<String, Object> s = optionalObject(m, "stream");
        if (s == null) {
            throw new Json.JsonException("'stream' is missing");
        }
        Instant created;
        try {
            created = Instant.parse(string(m, "created"));
        } catch (DateTimeParseException e) {
            throw new Json.JsonException("'created' is not an ISO-8601 instant");
        }
        Object branch = m.get("branch");
        if (!(branch instanceof Boolean)) {
            throw new Json.JsonException("'branch' is not true or false");
        }
        return new Manifest(string(m, "tool"), string(m, "format"), string(m, "epoch"), count(m, "seq"),
                string(m, "folder"), created, p == null ? null : new Parent(string(p, "epoch"), count(p, "seq")),
                (Boolean) branch, string(m, "uuid"), optionalString(m, "parentUuid"), chunks,
                new Digest(count(s, "bytes"), sha256(s)));
    }

    private static String string(Map<String, Object> m, String name) {
        if (!(m.get(name) instanceof String s)) {
            throw new Json.JsonException("'" + name + "' is missing or not a string");
        }
        return s;
    }

    private static String optionalString(Map<String, Object> m, String name) {
        return m.get(name) == null ? null : string(m, name);
    }

    private static long count(Map<String, Object> m, String name) {
        if (!(m.get(name) instanceof Long l) || l < 0) {
            throw new Json.JsonException("'" + name + "' is missing or not a count");
        }
        return l;
    }

    private static String sha256(Map<String, Object> m) {
        String s = string(m, "sha256");
        if (!SHA256.matcher(s).matches()) {
            throw new Json.JsonException("'sha256' is not 64 lowercase hex digits");
        }
        return s;
    }

    private static List<?> list(Map<String, Object> m, String name) {
        if (!(m.get(name) instanceof List<?> l)) {
            throw new Json.JsonException("'" + name + "' is missing or not an array");
        }
        return l;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> optionalObject(Map<String, Object> m, String name) {
        Object o = m.get(name);
        if (o == null) {
            return null;
        }
        if (!(o instanceof Map)) {
            throw new Json.JsonException("'" + name + "' is not an object");
        }
        return (Map<String, Object>) o;
    }
}
