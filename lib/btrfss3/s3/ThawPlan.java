package btrfss3.s3;

import btrfss3.cli.Failure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where the chunks a restore needs stand: readable now, archived (a thaw must be requested) or thawing. Pure: the
 * states come from {@link Thaw}, which asks S3. Immutable.
 */
public final class ThawPlan {
    /** The classes whose objects must be thawed before they can be read; GLACIER_IR is read at once. */
    public static final Set<String> ARCHIVE_CLASSES = Set.of("GLACIER", "DEEP_ARCHIVE");

    public enum State {
        /** Readable now: not in an archive class, or thawed. */
        AVAILABLE,
        /** In an archive class, no thaw in progress: one must be requested. */
        ARCHIVED,
        /** A thaw is in progress. */
        THAWING;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One chunk: storageClass as listed (STANDARD when the listing named none). */
    public record Item(String key, String storageClass, long size, State state) {
        public Item withState(State s) {
            return new Item(key, storageClass, size, s);
        }
    }

    /** How many objects, how many bytes. */
    public record Totals(int count, long bytes) {
        Totals plus(Item i) {
            return new Totals(count + 1, bytes + i.size());
        }

        @Override
        public String toString() {
            return count + " chunk(s), " + size(bytes);
        }
    }

    private final List<Item> items;

    public ThawPlan(List<Item> items) {
        this.items = List.copyOf(items);
    }

    public static boolean isArchiveClass(String storageClass) {
        return storageClass != null && ARCHIVE_CLASSES.contains(storageClass);
    }

    public List<Item> items() {
        return items;
    }

    public List<Item> in(State state) {
        return items.stream().filter(i -> i.state() == state).toList();
    }

    public boolean allAvailable() {
        return items.stream().allMatch(i -> i.state() == State.AVAILABLE);
    }

    public Totals total() {
        return totals(items);
    }

    public Totals total(State state) {
        return totals(in(state));
    }

    /** Totals per state, every state present (zero when none), in the order AVAILABLE, ARCHIVED, THAWING. */
    public Map<State, Totals> byState() {
        Map<State, Totals> map = new EnumMap<>(State.class);
        for (State s : State.values()) {
            map.put(s, total(s));
        }
        return Collections.unmodifiableMap(map);
    }

    /** Totals per storage class present, by name. */
    public Map<String, Totals> byClass() {
        Map<String, Totals> map = new TreeMap<>();
        for (Item i : items) {
            map.merge(i.storageClass(), new Totals(1, i.size()),
                    (a, b) -> new Totals(a.count() + b.count(), a.bytes() + b.bytes()));
        }
        return Collections.unmodifiableMap(map);
    }

    /**
     * The time AWS states for thawing the archived chunks with this tier, per class among them, e.g.
     * {GLACIER=3-5 hours}; empty when nothing needs a thaw request. A usage failure when a class among them does not
     * offer the tier (Expedited for DEEP_ARCHIVE), before anything is requested.
     */
    public Map<String, String> expectedWait(ThawTier tier) {
        Map<String, String> waits = new LinkedHashMap<>();
        for (Map.Entry<String, List<Item>> e : archivedByClass().entrySet()) {
            String cls = e.getKey();
            String wait = tier.expectedWait(cls).orElseThrow(() -> Failure.usage("the " + tier + " tier is not offered "
                    + "for " + cls + ", the class of " + totals(e.getValue()) + " to thaw (" + e.getValue().get(0).key()
                    + (e.getValue().size() > 1 ? ", ..." : "") + "); thaw them with " + offered(cls)));
            waits.put(cls, wait);
        }
        return Collections.unmodifiableMap(waits);
    }

    /** The upper end of {@link #expectedWait}: how long the slowest archived chunk may take; zero when none. */
    public Duration longestWait(ThawTier tier) {
        expectedWait(tier);
        return archivedByClass().keySet().stream().map(cls -> tier.longestWait(cls).orElseThrow())
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** The same chunks, with these items in place of those of the same key. */
    public ThawPlan with(Collection<Item> updated) {
        Map<String, Item> byKey = new LinkedHashMap<>();
        updated.forEach(i -> byKey.put(i.key(), i));
        List<Item> merged = new ArrayList<>(items.size());
        for (Item i : items) {
            merged.add(byKey.getOrDefault(i.key(), i));
        }
        return new ThawPlan(merged);
    }

    /**
     * For the user, e.g. "12 chunk(s), 1.2 GiB: 4 available (100.0 MiB), 6 archived (1.0 GiB), 2 thawing (100.0
     * MiB); by class: DEEP_ARCHIVE 8 chunk(s), 1.1 GiB; STANDARD 4 chunk(s), 100.0 MiB".
     */
    public String summary() {
        String states = byState().entrySet().stream().filter(e -> e.getValue().count() > 0)
                .map(e -> e.getValue().count() + " " + e.getKey().word() + " (" + size(e.getValue().bytes()) + ")")
                .collect(Collectors.joining(", "));
        String classes = byClass().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining("; "));
        return total() + (items.isEmpty() ? "" : ": " + states + "; by class: " + classes);
    }

    /** A size for people: 512 bytes, 1.5 KiB, 10.0 MiB, 1.2 GiB... */
    public static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private Map<String, List<Item>> archivedByClass() {
        Map<String, List<Item>> map = new TreeMap<>();
        in(State.ARCHIVED).forEach(i -> map.computeIfAbsent(i.storageClass(), k -> new ArrayList<>()).add(i));
        return map;
    }

    private static String offered(String storageClass) {
        List<String> tiers = new ArrayList<>();
        for (ThawTier t : ThawTier.values()) {
            t.expectedWait(storageClass).ifPresent(w -> tiers.add(t + " (" + w + ")"));
        }
        return String.join(" or ", tiers);
    }

    private static Totals totals(List<Item> list) {
        Totals t = new Totals(0, 0);
        for (Item i : list) {
            t = t.plus(i);
        }
        return t;
    }

    @Override
    public String toString() {
        return summary();
    }
}
