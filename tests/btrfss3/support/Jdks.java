package btrfss3.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The JDKs the scripts are tried with: the one running the tests and every other JDK 17+ installed
 * under /usr/lib/jvm. Users run whatever JDK their distribution ships, and newer ones behave
 * differently (JDK 24 on warns on stderr about native libraries unless told not to).
 */
public final class Jdks {
    private static final Path SYSTEM_JDKS = Path.of("/usr/lib/jvm");

    public record Jdk(Path home, int feature) {
        @Override
        public String toString() {
            return "JDK " + feature + " (" + home + ")";
        }
    }

    private Jdks() {}

    public static List<Jdk> installed() throws IOException {
        Map<Path, Jdk> found = new LinkedHashMap<>();
        Path own = Path.of(System.getProperty("java.home")).toRealPath();
        found.put(own, new Jdk(own, Runtime.version().feature()));
        if (Files.isDirectory(SYSTEM_JDKS)) {
            try (Stream<Path> homes = Files.list(SYSTEM_JDKS)) {
                for (Path home : homes.sorted().toList()) {
                    Path real = home.toRealPath();
                    int feature = feature(real);
                    // Symlinked aliases of one JDK count once; JREs without javac cannot build for JBang.
                    if (feature >= 17 && Files.isExecutable(real.resolve("bin/javac")) && !found.containsKey(real)) {
                        found.put(real, new Jdk(real, feature));
                    }
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    /** The feature version from the JDK's {@code release} file, or 0 if it has none. */
    static int feature(Path home) throws IOException {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(release)) {
            p.load(in);
        }
        String v = p.getProperty("JAVA_VERSION", "").replace("\"", "");
        String major = v.startsWith("1.") ? v.substring(2) : v;
        int end = 0;
        while (end < major.length() && Character.isDigit(major.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(major.substring(0, end));
    }
}
