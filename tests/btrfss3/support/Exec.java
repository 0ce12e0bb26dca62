package btrfss3.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a real program (openssl, lz4, age, btrfs, a script) and captures what it said. */
public final class Exec {
    public record Result(int exit, byte[] stdout, String stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public String all() {
            return out() + stderr;
        }
    }

    /** Far longer than any program the tests run takes. */
    private static final Duration LIMIT = Duration.ofMinutes(10);

    private Exec() {}

    public static Result run(List<String> command, byte[] stdin) throws IOException {
        return run(command, stdin, Map.of(), null);
    }

    public static Result run(List<String> command, byte[] stdin, Map<String, String> env, Path dir) throws IOException {
        return run(command, stdin, env, dir, LIMIT);
    }

    static Result run(List<String> command, byte[] stdin, Map<String, String> env, Path dir, Duration limit)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        } catch (IOException e) {
            // The program may exit without reading its input; its exit code tells.
        }
        try {
            int exit = waitFor(p, String.join(" ", command), limit);
            return new Result(exit, out.join(), new String(err.join(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A program started in the background, so a test can act while it runs (kill it, say). */
    public record Running(Process process, CompletableFuture<byte[]> stdout, CompletableFuture<byte[]> stderr) {
        public Result await() throws IOException {
            try {
                int exit = waitFor(process, process.info().commandLine().orElse("pid " + process.pid()), LIMIT);
                return new Result(exit, stdout.join(), new String(stderr.join(), StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        /** SIGKILL: no shutdown hook, no clean-up, as after a power cut of the process. */
        public Result kill() throws IOException {
            process.destroyForcibly();
            return await();
        }

        /**
         * SIGTERM, as systemd stops a unit or a user interrupts. Sent with kill(1): Process.destroy()
         * also closes our ends of the pipes, which would lose what the program says while it stops.
         */
        public Result terminate() throws IOException {
            Result sent = run(List.of("kill", "-TERM", Long.toString(process.pid())), null);
            if (sent.exit() != 0) {
                throw new IOException("kill -TERM failed: " + sent.stderr());
            }
            return await();
        }
    }

    public static Running start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        return new Running(p, drain(p.getInputStream()), drain(p.getErrorStream()));
    }

    /** Runs and insists on exit code 0. */
    public static byte[] check(List<String> command, byte[] stdin) throws IOException {
        Result r = run(command, stdin);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", command) + " failed with " + r.exit() + ": " + r.stderr());
        }
        return r.stdout();
    }

    /**
     * Waits, but not for ever: a program that hangs (as a JVM did on a damaged class archive)
     * fails its test, with its process tree killed, instead of holding up the whole run.
     */
    private static int waitFor(Process p, String what, Duration limit) throws IOException, InterruptedException {
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
            throw new IOException(what + " did not end within " + limit.toSeconds() + " s, and was killed");
        }
        return p.exitValue();
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                in.transferTo(b);
                return b.toByteArray();
            } catch (IOException e) {
                return new byte[0];
            }
        });
    }
}
