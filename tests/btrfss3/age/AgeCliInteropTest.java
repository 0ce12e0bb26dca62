package btrfss3.age;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interoperability with the reference age command line tools (Debian's age package; X25519
 * only, as that version predates hybrid recipients). Fails where {@code age} is not installed: the test command installs it.
 */
class AgeCliInteropTest {
    static final int CHUNK = 64 * 1024;

    @TempDir
    static Path dir;
    static Path ageKeyFile;
    static String ageRecipient;

    @BeforeAll
    static void ageKeygen() throws Exception {
        assertTrue(onPath("age") && onPath("age-keygen"),
                "the age and age-keygen commands are not installed (test-env/run-tests installs them)");
        ageKeyFile = dir.resolve("age-keygen.key");
        Result r = run(List.of("age-keygen", "-o", ageKeyFile.toString()), null, null);
        assertEquals(0, r.exit, r.stderr);
        ageRecipient = Files.readAllLines(ageKeyFile).stream().filter(l -> l.startsWith("# public key: "))
                .map(l -> l.substring("# public key: ".length())).findFirst().orElseThrow();
    }

    static boolean onPath(String command) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, command))) {
                return true;
            }
        }
        return false;
    }

    record Result(int exit, String stderr) {}

    static Result run(List<String> command, Path stdin, Path stdout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null")) : ProcessBuilder.Redirect.from(stdin.toFile()));
        pb.redirectOutput(stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout.toFile()));
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " timed out");
        }
        return new Result(p.exitValue(), Files.readString(err));
    }

    static Path write(String name, byte[] data) throws IOException {
        return Files.write(dir.resolve(name), data);
    }

    static Path encryptWithUs(String name, byte[] plain, List<Recipient> recipients) throws IOException {
        Path out = dir.resolve(name);
        try (OutputStream o = AgeEncryptor.encrypt(Files.newOutputStream(out), recipients)) {
            o.write(plain);
        }
        return out;
    }

    static byte[] decryptWithUs(Path file, List<Identity> identities) throws IOException {
        try (InputStream in = AgeDecryptor.decrypt(Files.newInputStream(file), identities)) {
            return in.readAllBytes();
        }
    }

    static byte[] decryptWithAge(Path file, Path identityFile) throws Exception {
        Path out = dir.resolve(file.getFileName() + ".out");
        // Standard output rather than -o: age creates the -o file only once it has something to write.
        Result r = run(List.of("age", "-d", "-i", identityFile.toString(), file.toString()), null, out);
        assertEquals(0, r.exit, "age -d failed: " + r.stderr);
        return Files.readAllBytes(out);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * 1024 * 1024 + 17})
    void ageDecryptsOurFiles(int size) throws Exception {
        byte[] plain = AgeRoundTripTest.random(size, size);
        Path enc = encryptWithUs("ours-" + size + ".age", plain, List.of(Recipient.parse(ageRecipient)));
        assertArrayEquals(plain, decryptWithAge(enc, ageKeyFile));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, CHUNK, CHUNK + 1, 3 * 1024 * 1024 + 17})
    void weDecryptAgesFiles(int size) throws Exception {
        byte[] plain = AgeRoundTripTest.random(size, size + 7);
        Path in = write("plain-" + size, plain);
        Path out = dir.resolve("theirs-" + size + ".age");
        Result r = run(List.of("age", "-r", ageRecipient, "-o", out.toString(), in.toString()), null, null);
        assertEquals(0, r.exit, r.stderr);
        assertArrayEquals(plain, decryptWithUs(out, IdentityFile.read(ageKeyFile)));
    }

    @Test
    void ageKeygenFileGivesTheSameRecipient() throws IOException {
        List<Identity> ids = IdentityFile.read(ageKeyFile);
        assertEquals(1, ids.size());
        assertEquals(ageRecipient, ids.get(0).recipient().toString());
    }

    @Test
    void ourKeygenIdentityWorksWithAge() throws Exception {
        Path ours = dir.resolve("ours.key");
        String recipient = AgeKeygen.writeIdentityFile(ours, AgeKeygen.KeyType.X25519);
        byte[] plain = AgeRoundTripTest.random(CHUNK + 3, 11);
        // age encrypts to our recipient string, and decrypts our file with our identity file.
        Path in = write("plain-keygen", plain);
        Path theirs = dir.resolve("to-our-key.age");
        Result r = run(List.of("age", "-r", recipient, "-o", theirs.toString(), in.toString()), null, null);
        assertEquals(0, r.exit, r.stderr);
        assertArrayEquals(plain, decryptWithAge(theirs, ours));
        assertArrayEquals(plain, decryptWithUs(theirs, IdentityFile.read(ours)));
        Path mine = encryptWithUs("from-us-to-our-key.age", plain, List.of(Recipient.parse(recipient)));
        assertArrayEquals(plain, decryptWithAge(mine, ours));
    }

    @Test
    void multipleRecipientsBothWays() throws Exception {
        List<Path> keyFiles = new ArrayList<>();
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path k = dir.resolve("multi-" + i + ".key");
            recipients.add(AgeKeygen.writeIdentityFile(k, AgeKeygen.KeyType.X25519));
            keyFiles.add(k);
        }
        keyFiles.add(ageKeyFile);
        recipients.add(ageRecipient);
        Path recipientsFile = Files.writeString(dir.resolve("recipients.txt"),
                "# team\n" + String.join("\n", recipients) + "\n", StandardCharsets.US_ASCII);
        byte[] plain = AgeRoundTripTest.random(2 * CHUNK + 99, 12);

        Path ours = encryptWithUs("multi-ours.age", plain, RecipientsFile.read(recipientsFile));
        Path in = write("plain-multi", plain);
        Path theirs = dir.resolve("multi-theirs.age");
        Result r = run(List.of("age", "-R", recipientsFile.toString(), "-o", theirs.toString(), in.toString()), null, null);
        assertEquals(0, r.exit, r.stderr);
        for (Path k : keyFiles) {
            assertArrayEquals(plain, decryptWithAge(ours, k), "age with " + k.getFileName());
            assertArrayEquals(plain, decryptWithUs(theirs, IdentityFile.read(k)), "us with " + k.getFileName());
        }
    }

    @Test
    void ageRejectsOurTruncatedFileAndWeRejectItsTruncatedFile() throws Exception {
        byte[] plain = AgeRoundTripTest.random(2 * CHUNK, 13);
        Path ours = encryptWithUs("trunc-ours.age", plain, List.of(Recipient.parse(ageRecipient)));
        byte[] bytes = Files.readAllBytes(ours);
        Path cut = write("trunc-ours-cut.age", java.util.Arrays.copyOf(bytes, bytes.length - (CHUNK + 16)));
        Result r = run(List.of("age", "-d", "-i", ageKeyFile.toString(), "-o", dir.resolve("trunc.out").toString(),
                cut.toString()), null, null);
        assertTrue(r.exit != 0, "age accepted a file missing its final chunk");
        AgeException e = org.junit.jupiter.api.Assertions.assertThrows(AgeException.class,
                () -> decryptWithUs(cut, IdentityFile.read(ageKeyFile)));
        assertEquals(AgeException.Kind.PAYLOAD, e.kind());
    }
}
