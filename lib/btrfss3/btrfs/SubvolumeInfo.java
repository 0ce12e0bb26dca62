package btrfss3.btrfs;

import java.util.HashMap;
import java.util.Map;

/** What {@code btrfs subvolume show} says of a subvolume, and the text itself (the age marker carries it). */
public record SubvolumeInfo(String pathInFilesystem, String uuid, String parentUuid, String receivedUuid,
                            long id, boolean readOnly, String text) {

    static SubvolumeInfo parse(String text) {
        String[] lines = text.split("\n");
        String path = lines.length > 0 ? lines[0].strip() : "";
        Map<String, String> fields = new HashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.startsWith("\t") && !line.startsWith("\t\t")) {
                fields.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        String flags = fields.getOrDefault("Flags", "");
        long id = parseLong(fields.get("Subvolume ID"));
        return new SubvolumeInfo(path, dash(fields.get("UUID")), dash(fields.get("Parent UUID")),
                dash(fields.get("Received UUID")), id, flags.contains("readonly"), text);
    }

    private static long parseLong(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String dash(String s) {
        return s == null || s.equals("-") ? null : s;
    }
}
