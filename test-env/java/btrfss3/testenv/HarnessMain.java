package btrfss3.testenv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/** Command line of the test harness; run through test-env/harness. */
public final class HarnessMain {
    private static final String USAGE = """
            usage: harness COMMAND ...
              mkfs LABEL SIZE [SUBVOLUME...]  make and mount a loopback btrfs (SIZE like 512M, 2G); prints the mount
                                              point (first line) and the subvolumes, then stays until killed
                                              (SIGTERM/Ctrl-C unmounts) or until `cleanup --kill`
              cleanup [--kill]                remove leftovers of dead harness processes; --kill also stops live
                                              `harness mkfs` processes first (never test JVMs)
              list                            show the live harness file systems and their owners
              s3 [--port N] [--data DIR]      run S3Proxy on 127.0.0.1 (in memory without --data), print endpoint
                                              and credentials, stay until killed
              generate DIR SEED BYTES [LARGE] write a test tree of about BYTES, with files bigger than LARGE
                                              (default BYTES/8)
              mutate DIR SEED                 change the tree as for an incremental backup
              compare EXPECTED ACTUAL         print the differences; exit 0 if equal, 1 if not
            exit status 2: usage error or failure
            """;

    private HarnessMain() {}

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (UsageException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            code = 2;
        } catch (TestAbortedException e) {
            System.err.println("harness: " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            System.err.println("harness: " + e);
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            System.out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        List<String> rest = List.of(args).subList(1, args.length);
        return switch (args[0]) {
            case "mkfs" -> mkfs(rest);
            case "cleanup" -> cleanup(rest);
            case "list" -> list(rest);
            case "s3" -> s3(rest);
            case "generate" -> generate(rest);
            case "mutate" -> mutate(rest);
            case "compare" -> compare(rest);
            default -> throw new UsageException("unknown command: " + args[0]);
        };
    }

    private static int mkfs(List<String> a) throws Exception {
        need(a, 2, Integer.MAX_VALUE);
        LoopbackBtrfs.markOwnerKind("cli");
        LoopbackBtrfs fs = LoopbackBtrfs.create(a.get(0), parseSize(a.get(1)));
        System.out.println(fs.mountPoint());
        for (String sub : a.subList(2, a.size())) {
            System.out.println(fs.createSubvolume(sub));
        }
        System.out.flush();
        System.err.println("harness: mounted " + fs + "; kill " + ProcessHandle.current().pid()
                + " (SIGTERM) or run `harness cleanup --kill` to unmount and remove it");
        new CountDownLatch(1).await(); // the shutdown hook unmounts on SIGTERM / SIGINT
        return 0;
    }

    private static int cleanup(List<String> a) throws Exception {
        need(a, 0, 1);
        boolean kill = a.size() == 1 && a.get(0).equals("--kill");
        if (a.size() == 1 && !kill) {
            throw new UsageException("unknown option: " + a.get(0));
        }
        if (kill) {
            for (Map.Entry<Path, Properties> e : LoopbackBtrfs.liveOwners().entrySet()) {
                if (!"cli".equals(e.getValue().getProperty("kind"))) {
                    continue;
                }
                long pid = Long.parseLong(e.getValue().getProperty("pid"));
                if (pid == ProcessHandle.current().pid()) {
                    continue;
                }
                ProcessHandle.of(pid).ifPresent(ph -> {
                    System.out.println("stopping harness process " + pid + " (" + e.getKey() + ")");
                    ph.destroy();
                    try {
                        ph.onExit().get(60, TimeUnit.SECONDS);
                    } catch (Exception ex) {
                        System.err.println("harness: process " + pid + " did not stop: " + ex);
                    }
                });
            }
        }
        int n = LoopbackBtrfs.cleanLeftovers();
        System.out.println("removed " + n + " leftover(s) under " + LoopbackBtrfs.stateRoot());
        return 0;
    }

    private static int list(List<String> a) throws Exception {
        need(a, 0, 0);
        for (Map.Entry<Path, Properties> e : LoopbackBtrfs.liveOwners().entrySet()) {
            Properties p = e.getValue();
            System.out.println(e.getKey().resolve("mnt") + "  pid " + p.getProperty("pid") + " (" + p.getProperty("kind")
                    + "), label " + p.getProperty("label") + ", since " + p.getProperty("created"));
        }
        return 0;
    }

    private static int s3(List<String> a) throws Exception {
        int port = 0;
        Path data = null;
        for (int i = 0; i < a.size(); i++) {
            switch (a.get(i)) {
                case "--port" -> port = Integer.parseInt(value(a, ++i, "--port"));
                case "--data" -> data = Path.of(value(a, ++i, "--data"));
                default -> throw new UsageException("unknown option: " + a.get(i));
            }
        }
        EmbeddedS3Proxy proxy = EmbeddedS3Proxy.start(data, port);
        Runtime.getRuntime().addShutdownHook(new Thread(proxy::close, "s3proxy-stop"));
        System.out.println("endpoint:    " + proxy.endpoint());
        System.out.println("region:      " + proxy.region());
        System.out.println("storage:     " + (proxy.baseDir() == null ? "in memory" : proxy.baseDir()));
        printCreds("admin", proxy.admin());
        printCreds("backupOnly", proxy.backupOnly());
        printCreds("readOnly", proxy.readOnly());
        printCreds("appendOnly", proxy.appendOnly());
        System.out.println("example:     AWS_ACCESS_KEY_ID=" + proxy.admin().accessKeyId() + " AWS_SECRET_ACCESS_KEY="
                + proxy.admin().secretAccessKey() + " aws --endpoint-url " + proxy.endpoint() + " s3 mb s3://demo");
        System.out.flush();
        new CountDownLatch(1).await();
        return 0;
    }

    private static void printCreds(String name, AwsBasicCredentials c) {
        System.out.printf(Locale.ROOT, "%-12s AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s%n", name + ":",
                c.accessKeyId(), c.secretAccessKey());
    }

    private static int generate(List<String> a) throws IOException {
        need(a, 3, 4);
        long bytes = parseSize(a.get(2));
        long large = a.size() == 4 ? parseSize(a.get(3)) : bytes / 8;
        TreeGenerator.generate(Path.of(a.get(0)), Long.parseLong(a.get(1)), bytes, large);
        return 0;
    }

    private static int mutate(List<String> a) throws IOException {
        need(a, 2, 2);
        TreeGenerator.mutate(Path.of(a.get(0)), Long.parseLong(a.get(1)));
        return 0;
    }

    private static int compare(List<String> a) throws IOException {
        need(a, 2, 2);
        List<String> diffs = TreeComparer.differences(Path.of(a.get(0)), Path.of(a.get(1)));
        diffs.forEach(System.out::println);
        return diffs.isEmpty() ? 0 : 1;
    }

    /** Parses 123, 10K, 512M, 2G, 1T (powers of 1024; an optional trailing B or iB is allowed). */
    static long parseSize(String s) {
        String t = s.strip().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        long mult = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> mult = 1L << 10;
                case 'M' -> mult = 1L << 20;
                case 'G' -> mult = 1L << 30;
                case 'T' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(t), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("not a size: " + s);
        }
    }

    private static String value(List<String> a, int i, String option) {
        if (i >= a.size()) {
            throw new UsageException(option + " needs a value");
        }
        return a.get(i);
    }

    private static void need(List<String> a, int min, int max) {
        if (a.size() < min || a.size() > max) {
            throw new UsageException("wrong number of arguments: " + new ArrayList<>(a));
        }
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
