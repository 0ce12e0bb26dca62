package btrfss3.support;

import btrfss3.testenv.S3Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * Runs backup.java and restore.java as the user does: a separate process, real exit codes,
 * real signals. The classes come from the test class path, so this tests the code under test.
 */
public final class Scripts {
    private final S3Endpoint s3;
    private final String bucket;

    private final java.net.URI endpoint;

    public Scripts(S3Endpoint s3, String bucket) {
        this(s3, bucket, s3.endpoint());
    }

    private Scripts(S3Endpoint s3, String bucket, java.net.URI endpoint) {
        this.s3 = s3;
        this.bucket = bucket;
        this.endpoint = endpoint;
    }

    /** The same, talking to the server through another endpoint (a fault-injecting proxy). */
    public Scripts via(java.net.URI proxy) {
        return new Scripts(s3, bucket, proxy);
    }

    /** The main classes and the runtime dependencies, as Maven resolved them for JBang's //DEPS. */
    static String runtimeClassPath() {
        String[] parts = System.getProperty("runtime.classpath").split(":", 2);
        try {
            return parts[0] + ":" + Files.readString(Path.of(parts[1])).strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("run the tests with Maven: " + parts[1] + " is missing", e);
        }
    }

    /** The JVM options the script declares for JBang (//JAVA_OPTIONS), so tests run with the same heap. */
    static List<String> declaredJavaOptions(String script) {
        try {
            for (String line : Files.readAllLines(Path.of(System.getProperty("project.root"), script + ".java"))) {
                if (line.startsWith("//JAVA_OPTIONS ")) {
                    return List.of(line.substring("//JAVA_OPTIONS ".length()).trim().split("\\s+"));
                }
            }
            return List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static List<String> javaCommand(String mainClass) {
        String cp = runtimeClassPath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(declaredJavaOptions(mainClass));
        // Short runs: the quick compiler alone starts faster.
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-cp", cp, mainClass));
        return cmd;
    }

    public Map<String, String> env(AwsBasicCredentials creds) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ACCESS_KEY_ID", creds.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", creds.secretAccessKey());
        env.put("AWS_REGION", s3.region());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        return env;
    }

    /** The S3 options every run gets, then the given arguments. */
    public List<String> command(String script, String... args) {
        List<String> cmd = javaCommand(script);
        cmd.add("--endpoint-url");
        cmd.add(endpoint.toString());
        cmd.add("-b");
        cmd.add(bucket);
        cmd.addAll(List.of(args));
        return cmd;
    }

    public Exec.Result backup(AwsBasicCredentials creds, String... args) throws IOException {
        return Exec.run(command("backup", args), null, env(creds), null);
    }

    public Exec.Running startBackup(AwsBasicCredentials creds, String... args) throws IOException {
        return Exec.start(command("backup", args), env(creds));
    }

    public Exec.Running startRestore(AwsBasicCredentials creds, String... args) throws IOException {
        return Exec.start(command("restore", args), env(creds));
    }

    public Exec.Result restore(AwsBasicCredentials creds, String... args) throws IOException {
        return Exec.run(command("restore", args), null, env(creds), null);
    }

    /** Runs a script as {@link #backup}/{@link #restore} do, logging every class the JVM loads to {@code classLog}. */
    public Exec.Result runLoggingClasses(String script, AwsBasicCredentials creds, Path classLog, String... args)
            throws IOException {
        List<String> cmd = command(script, args);
        cmd.add(1, "-Xlog:class+load=info:file=" + classLog);
        return Exec.run(cmd, null, env(creds), null);
    }

    public String bucket() {
        return bucket;
    }
}
