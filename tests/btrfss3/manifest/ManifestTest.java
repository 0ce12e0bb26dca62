package btrfss3.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {
    private static final String HASH = "ab".repeat(32);

    private static Manifest sample() {
        return new Manifest("btrfs-send-to-s3 0.1.0", "age", "daily", 1795680060L, "1795680060_00ff", Instant.parse(
                "2026-11-26T08:01:00.5Z"), new Manifest.Parent("monthly", 1795000000L), true,
                "11111111-2222-3333-4444-555555555555", "66666666-2222-3333-4444-555555555555",
                List.of(new Manifest.Chunk("xaaaa", 10, 42, HASH), new Manifest.Chunk("xaaab", 3, 35, HASH)),
                new Manifest.Digest(99, HASH));
    }

    @Test
    void readsBackWhatItWrites() {
        Manifest m = sample();
        assertEquals(m, Manifest.parse(m.toJson()));
        assertEquals(77, m.storedBytes());
        Manifest full = new Manifest("t", "openssl", "e", 1, "1_ab", Instant.EPOCH, null, false, "u", null, List.of(),
                new Manifest.Digest(0, HASH));
        assertEquals(full, Manifest.parse(full.toJson()));
    }

    @Test
    void refusesUnknownVersionsAndMissingOrMistypedFields() {
        String json = sample().toJson();
        Json.JsonException v = assertThrows(Json.JsonException.class,
                () -> Manifest.parse(json.replace("\"manifest\":1", "\"manifest\":2")));
        assertTrue(v.getMessage().contains("use a newer version"), v.getMessage());
        for (String[] edit : new String[][] {
            {"\"seq\":1795680060", "\"seq\":\"1795680060\""},
            {"\"branch\":true", "\"branch\":1"},
            {"\"storedBytes\":42", "\"storedBytes\":-42"},
            {"\"sha256\":\"" + HASH + "\"", "\"sha256\":\"AB\""},
            {"\"created\":\"2026-11-26T08:01:00.500Z\"", "\"created\":\"today\""},
            {",\"stream\":{\"bytes\":99,\"sha256\":\"" + HASH + "\"}", ""},
        }) {
            String changed = json.replace(edit[0], edit[1]);
            assertTrue(!changed.equals(json), "the edit applies: " + edit[0]);
            assertThrows(Json.JsonException.class, () -> Manifest.parse(changed), edit[1]);
        }
    }

    @Test
    void aListingIsComparedByNameAndSize() {
        Manifest m = sample();
        assertEquals(List.of(), ManifestCheck.listing(m, Map.of("xaaaa", 42L, "xaaab", 35L)));
        assertEquals(List.of("chunk xaaab is missing"), ManifestCheck.listing(m, Map.of("xaaaa", 42L)));
        assertEquals(List.of("chunk xaaab has 34 bytes, the manifest says 35", "chunk xaaac is not in the manifest"),
                ManifestCheck.listing(m, new java.util.TreeMap<>(Map.of("xaaaa", 42L, "xaaab", 34L, "xaaac", 1L))));
    }
}
