package btrfss3.btrfs;

import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The btrfs commands the tool runs. Every path goes in as one argument, never through a shell. */
public final class Btrfs {
    private final String executable;

    public Btrfs() {
        this.executable = "btrfs";
    }

    /** Exit code 3 when btrfs-progs is not installed. */
    public void requireInstalled() {
        try {
            Result r = run(List.of("--version"));
            if (r.exit != 0) {
                throw new Failure(ExitCode.MISSING_DEPENDENCY, "'btrfs --version' failed: is btrfs-progs installed?");
            }
        } catch (IOException e) {
            throw new Failure(ExitCode.MISSING_DEPENDENCY, "btrfs is not installed (install btrfs-progs)");
        }
    }

    public SubvolumeInfo show(Path subvolume) throws IOException {
        Result r = run(List.of("subvolume", "show", subvolume.toString()));
        if (r.exit != 0) {
            throw new IOException(subvolume + " is not a btrfs subvolume: " + r.errorLine());
        }
        return SubvolumeInfo.parse(r.out);
    }

    /** Cheap test used when scanning snapshot folders: subvolume roots have inode 256 on btrfs. */
    public static boolean looksLikeSubvolume(Path p) {
        try {
            Object ino = Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && ((Long) ino) == 256L;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    public void snapshotReadOnly(Path source, Path target) throws IOException {
        check(run(List.of("subvolume", "snapshot", "-r", source.toString(), target.toString())), "snapshot of " + source);
    }

    public void createSubvolume(Path path) throws IOException {
        check(run(List.of("subvolume", "create", path.toString())), "creating subvolume " + path);
    }

    public void delete(Path subvolume) throws IOException {
        check(run(List.of("subvolume", "delete", subvolume.toString())), "deleting " + subvolume);
    }

    /** Subvolumes below {@code path}, as paths relative to the filesystem's top level. */
    public List<String> nestedSubvolumes(Path path) throws IOException {
        Result r = run(List.of("subvolume", "list", "-o", path.toString()));
        check(r, "listing subvolumes under " + path);
        List<String> paths = new ArrayList<>();
        for (String line : r.out.split("\n")) {
            int i = line.indexOf(" path ");
            if (i >= 0) {
                paths.add(line.substring(i + 6).trim());
            }
        }
        return paths;
    }

    public Process send(Path snapshot, Path parent) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(executable, "send", "-q"));
        if (parent != null) {
            cmd.add("-p");
            cmd.add(parent.toString());
        }
        cmd.add(snapshot.toString());
        return new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    }

    public Process receive(Path destination) throws IOException {
        return new ProcessBuilder(executable, "receive", destination.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static void check(Result r, String what) throws IOException {
        if (r.exit != 0) {
            throw new IOException(what + " failed: " + r.errorLine());
        }
    }

    private Result run(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable);
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        var err = new StreamTail(p.getErrorStream(), 16 * 1024);
        err.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            int exit = p.waitFor();
            return new Result(exit, out, err.text());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running btrfs " + String.join(" ", args));
        }
    }

    private record Result(int exit, String out, String err) {
        String errorLine() {
            String e = err.strip();
            return e.isEmpty() ? "exit code " + exit : e.replace('\n', ' ');
        }
    }
}
