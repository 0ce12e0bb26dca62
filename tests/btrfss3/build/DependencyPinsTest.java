package btrfss3.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * JBang reads the versions from //DEPS lines, Maven from pom.xml: the two must name the same
 * libraries at the same versions, or the tests would prove a build that users never run.
 */
class DependencyPinsTest {
    private static final Path ROOT = Path.of(System.getProperty("project.root"));

    private static Map<String, String> jbangDeps() throws IOException {
        Map<String, String> deps = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^//DEPS ([\\w.-]+):([\\w.-]+):([\\w.-]+)(@pom)?$")
                .matcher(Files.readString(ROOT.resolve("lib/btrfss3/Dependencies.java")));
        while (m.find()) {
            deps.put(m.group(1) + ":" + m.group(2), m.group(3));
        }
        return deps;
    }

    private static Map<String, String> pomProperties() throws IOException {
        Map<String, String> props = new HashMap<>();
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher m = Pattern.compile("<([\\w.-]+\\.version)>([^<]+)</").matcher(pom);
        while (m.find()) {
            props.put(m.group(1), m.group(2));
        }
        return props;
    }

    @Test
    void jbangAndMavenPinTheSameVersions() throws IOException {
        Map<String, String> deps = jbangDeps();
        Map<String, String> pom = pomProperties();
        Map<String, String> expected = Map.of(
                "info.picocli:picocli", "picocli.version",
                "software.amazon.awssdk:bom", "awssdk.version",
                "at.yawk.lz4:lz4-java", "lz4.version",
                "org.bouncycastle:bcprov-jdk18on", "bouncycastle.version",
                "org.bouncycastle:bcpkix-jdk18on", "bouncycastle.version",
                "org.slf4j:slf4j-api", "slf4j.version",
                "org.conscrypt:conscrypt-openjdk-uber", "conscrypt.version");
        for (var e : expected.entrySet()) {
            assertTrue(deps.containsKey(e.getKey()), "//DEPS lacks " + e.getKey());
            assertEquals(pom.get(e.getValue()), deps.get(e.getKey()), e.getKey() + ": //DEPS and pom.xml disagree");
        }
        assertEquals(expected.keySet(), deps.keySet(), "every pinned //DEPS line is checked here");
    }

    @Test
    void everyScriptDeclaresJavaAndTheLibrary() throws IOException {
        for (String script : new String[] {"backup.java", "restore.java", "keygen.java"}) {
            String text = Files.readString(ROOT.resolve(script));
            assertTrue(text.contains("\n//JAVA 17+\n"), script);
            assertTrue(text.contains("\n//SOURCES lib/**/*.java\n"), script);
            assertFalse(text.contains("//DEPS"), script + ": versions live in lib/btrfss3/Dependencies.java only");
            assertTrue(Files.readString(ROOT.resolve("jbang-catalog.json")).contains("\"script-ref\": \"" + script + "\""),
                    script + " has an alias in jbang-catalog.json");
        }
    }
}
