package btrfss3.testenv.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Turns the measurements of test-env/bench (a TSV, one row per measured command) into the summary: medians per
 * phase and variant, and the ratios the project aims at.
 *
 * <pre>  java btrfss3.testenv.bench.BenchReport RESULTS.tsv PARAMS.properties</pre>
 *
 * RESULTS.tsv columns: round, phase, variant, wall s, client CPU s, server CPU s, other CPU s (rest of the machine),
 * peak tree RSS KiB, peak tree anon KiB, largest VmHWM KiB, stream bytes, stored bytes. PARAMS: cores, formats,
 * reference (true/false), size, runs.
 */
public final class BenchReport {
    private static final double MIB = 1024.0 * 1024.0;

    record Row(int round, String phase, String variant, double wall, double cpu, double server, double other,
            long rssKib, long anonKib, long hwmKib, long streamBytes, long storedBytes) {
        long peakKib() {
            return Math.max(rssKib, hwmKib);
        }
    }

    private final List<Row> rows;
    private final Map<String, String> params;
    private final StringBuilder out = new StringBuilder();

    BenchReport(List<Row> rows, Map<String, String> params) {
        this.rows = rows;
        this.params = params;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BenchReport RESULTS.tsv PARAMS.properties");
            System.exit(2);
        }
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            rows.add(new Row(Integer.parseInt(f[0]), f[1], f[2], d(f[3]), d(f[4]), d(f[5]), d(f[6]), l(f[7]), l(f[8]),
                    l(f[9]), l(f[10]), l(f[11])));
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                params.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        System.out.print(new BenchReport(rows, params).render());
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    private static long l(String s) {
        return Long.parseLong(s);
    }

    // ---- statistics ----------------------------------------------------------------------------------------

    private List<Row> select(String phase, String variant) {
        List<Row> r = new ArrayList<>();
        for (Row row : rows) {
            if (row.phase.equals(phase) && row.variant.equals(variant)) {
                r.add(row);
            }
        }
        return r;
    }

    private static double median(List<Row> rs, ToDoubleFunction<Row> f) {
        if (rs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> v = new ArrayList<>();
        for (Row r : rs) {
            v.add(f.applyAsDouble(r));
        }
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static double max(List<Row> rs, ToDoubleFunction<Row> f) {
        double m = Double.NaN;
        for (Row r : rs) {
            double x = f.applyAsDouble(r);
            m = Double.isNaN(m) ? x : Math.max(m, x);
        }
        return m;
    }

    private double med(String phase, String variant, ToDoubleFunction<Row> f) {
        return median(select(phase, variant), f);
    }

    // ---- rendering ----------------------------------------------------------------------------------------

    private void line(String fmt, Object... args) {
        out.append(String.format(Locale.ROOT, fmt, args)).append('\n');
    }

    private static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String label(String variant) {
        return switch (variant) {
            case "orig-openssl" -> "original pipeline, openssl";
            case "orig-age" -> "original pipeline, age";
            case "ours-openssl" -> "backup/restore.java, openssl -k";
            case "ours-age" -> "backup/restore.java, age -r";
            case "receive-file" -> "btrfs receive -f FILE (limit)";
            case "receive-pipe" -> "cat FILE | btrfs receive (limit)";
            case "send-devnull" -> "btrfs send > /dev/null";
            case "lz4" -> "lz4 -1 (compress stream)";
            case "openssl-enc" -> "openssl enc (lz4 output)";
            case "age-enc" -> "age -r (lz4 output)";
            case "lz4-d" -> "lz4 -d (decompress stream)";
            case "openssl-dec" -> "openssl enc -d";
            case "age-dec" -> "age -d";
            case "java-version" -> "JVM start: backup --version";
            default -> variant;
        };
    }

    String render() {
        List<String> formats = List.of(params.getOrDefault("formats", "openssl,age").split(","));
        boolean reference = Boolean.parseBoolean(params.getOrDefault("reference", "true"));
        int cores = Integer.parseInt(params.getOrDefault("cores", "1"));
        int rounds = (int) rows.stream().mapToInt(Row::round).distinct().count();
        line("Medians of %d interleaved round(s); wall = elapsed time, client CPU = user+system CPU of the command's",
                rounds);
        line("whole process tree (cgroup), server CPU = the S3 server's CPU meanwhile, other = CPU used by the rest of");
        line("the machine meanwhile (noise), peak RSS = max over rounds of max(sampled sum of VmRSS over the tree,");
        line("largest single-process VmHWM), MiB/s = uncompressed send-stream MiB per wall second.");
        for (String kind : List.of("full", "incr")) {
            double stream = med("limit-" + kind, "send-devnull", r -> r.streamBytes);
            line("");
            line("%s backup (send stream %s MiB)", kind.equals("full") ? "FULL" : "INCREMENTAL", fmt(stream / MIB, 1));
            line("  %-34s %8s %8s %9s %9s %8s %9s %9s %9s", "", "wall s", "MiB/s", "client", "server", "other",
                    "peak RSS", "largest", "stored");
            line("  %-34s %8s %8s %9s %9s %8s %9s %9s %9s", "", "", "", "CPU s", "CPU s", "CPU s", "MiB", "proc MiB",
                    "MiB");
            for (String phase : List.of("backup", "restore")) {
                line("  %s", phase);
                List<String> variants = new ArrayList<>();
                if (phase.equals("restore")) {
                    variants.add("receive-file");
                    variants.add("receive-pipe");
                }
                for (String f : formats) {
                    if (reference) {
                        variants.add("orig-" + f);
                    }
                    variants.add("ours-" + f);
                }
                for (String v : variants) {
                    List<Row> rs = select(phase + "-" + kind, v);
                    if (rs.isEmpty()) {
                        continue;
                    }
                    double wall = median(rs, Row::wall);
                    line("    %-32s %8s %8s %9s %9s %8s %9s %9s %9s", label(v), fmt(wall, 2), fmt(stream / MIB / wall, 1),
                            fmt(median(rs, Row::cpu), 2), fmt(median(rs, Row::server), 2), fmt(median(rs, Row::other), 2),
                            fmt(max(rs, Row::peakKib) / 1024, 0), fmt(max(rs, r -> r.hwmKib) / 1024, 0),
                            phase.equals("backup") ? fmt(median(rs, r -> r.storedBytes) / MIB, 1) : "");
                }
            }
            line("  limits (one tool alone, same data)");
            for (String v : List.of("send-devnull", "lz4", "openssl-enc", "age-enc", "lz4-d", "openssl-dec", "age-dec",
                    "java-version")) {
                List<Row> rs = select("limit-" + kind, v);
                if (rs.isEmpty()) {
                    continue;
                }
                double wall = median(rs, Row::wall);
                line("    %-32s %8s %8s %9s %9s %8s", label(v), fmt(wall, 2), fmt(stream / MIB / wall, 1),
                        fmt(median(rs, Row::cpu), 2), "", fmt(median(rs, Row::other), 2));
            }
        }
        ratios(formats, reference, cores);
        noise(cores);
        return out.toString();
    }

    /** How busy the rest of the machine was: "other" CPU seconds per wall second, over the measurements of 1 s or more. */
    private void noise(int cores) {
        List<Double> busy = new ArrayList<>();
        for (Row r : rows) {
            if (r.wall >= 1.0) {
                busy.add(r.other / r.wall);
            }
        }
        if (busy.isEmpty()) {
            return;
        }
        Collections.sort(busy);
        line("");
        line("NOISE: other work on the machine during the measurements of 1 s or more: median %.2f, max %.2f of %d cores",
                busy.get(busy.size() / 2), busy.get(busy.size() - 1), cores);
        line("(it includes the kernel threads doing the measured command's I/O: loop devices, writeback)");
    }

    private void goal(String what, double value, String unit, String goalText, boolean met) {
        String verdict = goalText.isEmpty() || Double.isNaN(value) ? "" : met ? "met" : "MISSED";
        line("  %-56s %9s %-4s %-11s %s", what, fmt(value, unit.equals("x") ? 2 : 1), unit, goalText, verdict);
    }

    /** The CPU of the stages no implementation can skip, and the wall time a run can therefore not beat. */
    private record Floor(double cpu, double wall) {}

    /**
     * Prints a floor: the stages' CPU spread over the cores, and never below the run's btrfs end
     * (send or receive) alone.
     */
    private Floor floor(String title, Map<String, Double> stages, int cores, String end, double endWall) {
        double cpu = stages.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder terms = new StringBuilder();
        stages.forEach((name, v) -> terms.append(terms.length() == 0 ? "" : " + ").append(name).append(' ').append(fmt(v, 2)));
        line("  %s: CPU of %s = %s s / %d cores = %s s (%s alone: %s s wall)", title, terms, fmt(cpu, 2), cores,
                fmt(cpu / cores, 2), end, fmt(endWall, 2));
        return new Floor(cpu, Math.max(cpu / cores, endWall));
    }

    private void ratios(List<String> formats, boolean reference, int cores) {
        line("");
        line("RATIOS (same data, same run; medians)");
        for (String f : formats) {
            for (String kind : List.of("full", "incr")) {
                String ours = "ours-" + f;
                String orig = "orig-" + f;
                String b = "backup-" + kind;
                String r = "restore-" + kind;
                line("%s, %s:", f, kind.equals("full") ? "full" : "incremental");
                double oursWall = med(b, ours, Row::wall);
                if (reference) {
                    double tput = med(b, orig, Row::wall) / oursWall;
                    goal("backup throughput vs original", tput, "x", ">= 1.8x", tput >= 1.8);
                    double cpu = med(b, ours, Row::cpu) / med(b, orig, Row::cpu);
                    goal("backup client CPU vs original", cpu, "x", "<= 0.5x", cpu <= 0.5);
                }
                String lim = "limit-" + kind;
                Map<String, Double> backupStages = new LinkedHashMap<>();
                backupStages.put("btrfs send", med(lim, "send-devnull", Row::cpu));
                backupStages.put("lz4", med(lim, "lz4", Row::cpu));
                backupStages.put(f, med(lim, f + "-enc", Row::cpu));
                double server = med(b, ours, Row::server);
                backupStages.put("server", server);
                Floor backupFloor = floor("floor", backupStages, cores, "btrfs send", med(lim, "send-devnull", Row::wall));
                double ourCpuShare = med(b, ours, Row::cpu) + server;
                goal("backup: floor wall / our wall (100% = at the floor)", 100 * backupFloor.wall() / oursWall, "%", "", true);
                goal("backup: floor CPU / our CPU incl. server", 100 * backupFloor.cpu() / ourCpuShare, "%", "", true);
                double oursRestore = med(r, ours, Row::wall);
                if (reference) {
                    double rt = med(r, orig, Row::wall) / oursRestore;
                    goal("restore throughput vs original", rt, "x", ">= 2.5x", rt >= 2.5);
                }
                double vsReceive = 100 * med(r, "receive-file", Row::wall) / oursRestore;
                goal("restore throughput vs btrfs receive -f FILE", vsReceive, "%", ">= 75%", vsReceive >= 75);
                Map<String, Double> restoreStages = new LinkedHashMap<>();
                restoreStages.put("btrfs receive -f", med(r, "receive-file", Row::cpu));
                restoreStages.put("lz4 -d", med(lim, "lz4-d", Row::cpu));
                restoreStages.put(f + " -d", med(lim, f + "-dec", Row::cpu));
                restoreStages.put("server", med(r, ours, Row::server));
                double receiveWall = med(r, "receive-file", Row::wall);
                double rFloorWall = floor("restore floor", restoreStages, cores, "btrfs receive -f", receiveWall).wall();
                goal("  (restore at the floor vs btrfs receive -f FILE)", 100 * receiveWall / rFloorWall, "%", "", true);
                goal("restore: floor wall / our wall (100% = at the floor)", 100 * rFloorWall / oursRestore, "%", "", true);
                double pipeVsFile = 100 * med(r, "receive-file", Row::wall) / med(r, "receive-pipe", Row::wall);
                goal("  (cat FILE | btrfs receive vs btrfs receive -f FILE)", pipeVsFile, "%", "", true);
                double vsPipe = 100 * med(r, "receive-pipe", Row::wall) / oursRestore;
                goal("restore throughput vs cat FILE | btrfs receive", vsPipe, "%", "", true);
                double rssB = max(select(b, ours), Row::peakKib) / 1024;
                double rssR = max(select(r, ours), Row::peakKib) / 1024;
                goal("peak RSS backup (default settings)", rssB, "MiB", "<= 256 MiB", rssB <= 256);
                goal("peak RSS restore (default settings)", rssR, "MiB", "<= 256 MiB", rssR <= 256);
            }
        }
    }
}
