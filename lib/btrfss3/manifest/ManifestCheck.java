package btrfss3.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Compares what a bucket holds with what a manifest says it should: names and sizes, before any download. */
public final class ManifestCheck {
    private ManifestCheck() {}

    /**
     * @param listed chunk name -> stored size, as the listing shows them
     * @return one line per difference; empty when the listing matches
     */
    public static List<String> listing(Manifest m, Map<String, Long> listed) {
        List<String> problems = new ArrayList<>();
        Map<String, Long> expected = new TreeMap<>();
        m.chunks().forEach(c -> expected.put(c.name(), c.storedBytes()));
        for (var e : expected.entrySet()) {
            Long size = listed.get(e.getKey());
            if (size == null) {
                problems.add("chunk " + e.getKey() + " is missing");
            } else if (size.longValue() != e.getValue()) {
                problems.add("chunk " + e.getKey() + " has " + size + " bytes, the manifest says " + e.getValue());
            }
        }
        for (String name : listed.keySet()) {
            if (!expected.containsKey(name)) {
                problems.add("chunk " + name + " is not in the manifest");
            }
        }
        return problems;
    }
}
