package btrfss3.age;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
    private static final X25519Identity X = X25519Identity.generate();
    private static final HybridIdentity PQ = HybridIdentity.generate();

    /** No run of 8 characters from the key's data part may appear in the message. */
    static void assertNoKeyMaterial(String message, String key) {
        String data = key.substring(Math.max(0, key.lastIndexOf('1') + 1));
        String m = message.toLowerCase();
        for (int i = 0; i + 8 <= data.length(); i++) {
            String piece = data.substring(i, i + 8).toLowerCase();
            assertFalse(m.contains(piece), "message quotes key material: " + message);
        }
    }

    static List<Recipient> recipients(String text) throws IOException {
        return RecipientsFile.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "recipients.txt");
    }

    static List<Identity> identities(String text) throws IOException {
        return IdentityFile.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "keys.txt");
    }

    static AgeException recipientsError(String text) {
        return assertThrows(AgeException.class, () -> recipients(text));
    }

    static AgeException identitiesError(String text) {
        return assertThrows(AgeException.class, () -> identities(text));
    }

    @Test
    void recipientsFileWithCommentsBlankLinesAndCrlf() throws IOException {
        String text = "# backup keys\n\n" + X.recipient() + "\r\n   # indented comment\n  " + PQ.recipient() + "  \n\n";
        assertEquals(List.of(X.recipient(), PQ.recipient()), recipients(text));
    }

    @Test
    void identityFileAsAgeKeygenWritesIt() throws IOException {
        String text = AgeKeygen.format(X, java.time.OffsetDateTime.now()) + "\n" + AgeKeygen.format(PQ, java.time.OffsetDateTime.now());
        List<Identity> ids = identities(text);
        assertEquals(2, ids.size());
        assertEquals(X.recipient(), ids.get(0).recipient());
        assertEquals(PQ.recipient(), ids.get(1).recipient());
    }

    @Test
    void badRecipientLineNamesTheLineButNotTheKey() {
        String good = X.recipient().toString();
        String bad = good.substring(0, 20) + (good.charAt(20) == 'q' ? 'p' : 'q') + good.substring(21);
        AgeException e = recipientsError("# comment\n" + good + "\n" + bad + "\n");
        assertEquals(AgeException.Kind.KEY_FORMAT, e.kind());
        assertTrue(e.getMessage().startsWith("recipients.txt:3: "), e.getMessage());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertNoKeyMaterial(e.getMessage(), bad);
    }

    @Test
    void secretKeyInARecipientsFileIsNotQuoted() {
        String secret = X.secretKeyString();
        AgeException e = recipientsError(secret + "\n");
        assertTrue(e.getMessage().startsWith("recipients.txt:1: "), e.getMessage());
        assertTrue(e.getMessage().contains("identity (secret key)"), e.getMessage());
        assertNoKeyMaterial(e.getMessage(), secret);
        AgeException pq = recipientsError(PQ.secretKeyString() + "\n");
        assertNoKeyMaterial(pq.getMessage(), PQ.secretKeyString());
    }

    @Test
    void damagedIdentityIsNotQuoted() {
        String secret = PQ.secretKeyString();
        String bad = secret.substring(0, secret.length() - 3) + "QQQ";
        AgeException e = identitiesError("# created: now\n\n" + bad + "\n");
        assertTrue(e.getMessage().startsWith("keys.txt:3: "), e.getMessage());
        assertNoKeyMaterial(e.getMessage(), bad);
        String shortKey = secret.substring(0, 40);
        assertNoKeyMaterial(identitiesError(shortKey).getMessage(), shortKey);
        String x = X.secretKeyString();
        String garbage = x + "junk";
        assertNoKeyMaterial(identitiesError(garbage).getMessage(), garbage);
    }

    @Test
    void otherKindsOfLinesGetSpecificMessages() {
        assertTrue(identitiesError(X.recipient() + "\n").getMessage().contains("recipient (public key)"));
        assertTrue(identitiesError("AGE-PLUGIN-YUBIKEY-1QQQQQQ\n").getMessage().contains("plugin"));
        assertTrue(identitiesError("age-encryption.org/v1\n-> scrypt x 18\n").getMessage().contains("passphrase"));
        assertTrue(recipientsError("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB comment\n").getMessage().contains("SSH"));
        assertTrue(recipientsError("age1tag1qt8lw0ual6avlwmwatk888yqnmdamm7xfd0wak53ut6elz5c4swx2yqdj4e\n")
                .getMessage().contains("not plugin or tagged"));
        assertTrue(recipientsError("hello\n").getMessage().startsWith("recipients.txt:1: not an age recipient"));
    }

    @Test
    void emptyFilesAreErrors() {
        assertEquals("recipients.txt: no recipients found", recipientsError("# nothing\n\n").getMessage());
        assertEquals("keys.txt: no identities found", identitiesError("").getMessage());
    }

    @Test
    void binaryFilesAreRejected(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("key.bin");
        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        AgeException e = assertThrows(AgeException.class, () -> IdentityFile.read(f));
        assertEquals(f + ": not a text file", e.getMessage());
    }

    @Test
    void readFromPath(@TempDir Path dir) throws IOException {
        Path r = dir.resolve("recipients");
        Files.writeString(r, X.recipient() + "\n");
        assertEquals(List.of(X.recipient()), RecipientsFile.read(r));
        Path i = dir.resolve("identity");
        Files.writeString(i, X.secretKeyString() + "\n");
        assertEquals(X.recipient(), IdentityFile.read(i).get(0).recipient());
    }
}
