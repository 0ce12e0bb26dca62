package btrfss3.testenv.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples of a JFR recording (made with {@code settings=profile}): the hottest methods by
 * self samples (top frame of {@code jdk.ExecutionSample}), by total samples (anywhere on the stack), the
 * hottest packages, the busiest threads, and the top frames of {@code jdk.NativeMethodSample} (threads in
 * native code: JNI compression, socket and pipe I/O).
 *
 * <pre>  java btrfss3.testenv.bench.JfrTop RECORDING.jfr [N]</pre>
 */
public final class JfrTop {
    private JfrTop() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: JfrTop RECORDING.jfr [N]");
            System.exit(2);
        }
        int n = args.length == 2 ? Integer.parseInt(args[1]) : 15;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> packages = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> nativeTop = new HashMap<>();
        int samples = 0;
        int nativeSamples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            boolean exec = type.equals("jdk.ExecutionSample");
            if (!exec && !type.equals("jdk.NativeMethodSample")) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = st.getFrames();
            String top = name(frames.get(0));
            if (!exec) {
                nativeSamples++;
                nativeTop.merge(top, 1, Integer::sum);
                continue;
            }
            samples++;
            self.merge(top, 1, Integer::sum);
            packages.merge(packageOf(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String m = name(f);
                if (!isPlumbing(m) && seen.add(m)) {
                    total.merge(m, 1, Integer::sum);
                }
            }
            RecordedThread t = e.getThread("sampledThread");
            threads.merge(t == null ? "?" : threadName(t), 1, Integer::sum);
        }
        System.out.printf(Locale.ROOT, "%d Java execution samples, %d native method samples%n", samples, nativeSamples);
        print("hot methods (self: top frame of Java samples)", self, samples, n);
        print("hot methods (total: anywhere on the stack; entry points, picocli and thread pools left out)", total, samples, n);
        print("hot packages (self)", packages, samples, 10);
        print("threads (Java samples)", threads, samples, 8);
        print("native method samples (top frame: threads blocked or working in native code)", nativeTop, nativeSamples,
                8);
    }

    /** Frames on nearly every stack that say nothing: entry points, picocli, thread pools. */
    private static boolean isPlumbing(String method) {
        return method.startsWith("picocli.") || method.startsWith("java.lang.Thread.run")
                || method.startsWith("java.util.concurrent.ThreadPoolExecutor") || method.startsWith("backup.")
                || method.startsWith("restore.") || method.startsWith("btrfss3.cli.Cli");
    }

    private static String threadName(RecordedThread t) {
        String name = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
        // pool threads: fold the numbers away
        return name == null ? "?" : name.replaceAll("[-#]?\\d+$", "-N");
    }

    private static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        if (m == null) {
            return "?";
        }
        return m.getType().getName() + "." + m.getName();
    }

    private static String packageOf(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        if (m == null) {
            return "?";
        }
        String cls = m.getType().getName();
        int dot = cls.lastIndexOf('.');
        return dot < 0 ? "(default)" : cls.substring(0, dot);
    }

    private static void print(String title, Map<String, Integer> counts, int of, int n) {
        System.out.println("  " + title + ":");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(n)
                .forEach(e -> System.out.printf(Locale.ROOT, "    %6d %5.1f%%  %s%n", e.getValue(),
                        of == 0 ? 0.0 : 100.0 * e.getValue() / of, e.getKey()));
    }
}
