package btrfss3.age;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AgeKeygenTest {
    @Test
    void formatIsAgeKeygens() {
        Identity id = X25519Identity.generate();
        String text = AgeKeygen.format(id, OffsetDateTime.of(2024, 5, 6, 7, 8, 0, 123, ZoneOffset.UTC));
        assertEquals("# created: 2024-05-06T07:08:00Z\n# public key: " + id.recipient() + "\n" + id.secretKeyString() + "\n", text);
        String cest = AgeKeygen.format(id, OffsetDateTime.of(2024, 5, 6, 7, 8, 9, 0, ZoneOffset.ofHours(2)));
        assertTrue(cest.startsWith("# created: 2024-05-06T07:08:09+02:00\n"), cest);
    }

    @ParameterizedTest
    @EnumSource(AgeKeygen.KeyType.class)
    void writesAnOwnerOnlyIdentityFile(AgeKeygen.KeyType type, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("backup.key");
        String recipient = AgeKeygen.writeIdentityFile(file, type);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).matches("# created: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)"), lines.get(0));
        assertEquals("# public key: " + recipient, lines.get(1));
        assertTrue(lines.get(2).startsWith(type == AgeKeygen.KeyType.X25519 ? "AGE-SECRET-KEY-1" : "AGE-SECRET-KEY-PQ-1"));
        assertTrue(recipient.startsWith(type == AgeKeygen.KeyType.X25519 ? "age1" : "age1pq1"));

        List<Identity> ids = IdentityFile.read(file);
        assertEquals(recipient, ids.get(0).recipient().toString());
        byte[] file2 = AgeRoundTripTest.encrypt(new byte[] {1, 2, 3}, List.of(Recipient.parse(recipient)));
        assertEquals(3, AgeRoundTripTest.decrypt(file2, ids).length);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList(), "no temporary file left behind");
        }
    }

    @Test
    void neverOverwritesAnExistingFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("existing.key");
        Files.writeString(file, "precious\n");
        assertThrows(FileAlreadyExistsException.class, () -> AgeKeygen.writeIdentityFile(file, AgeKeygen.KeyType.X25519));
        assertEquals("precious\n", Files.readString(file));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void generatedIdentitiesAreDistinctAndParse() throws IOException {
        Identity a = AgeKeygen.generate(AgeKeygen.KeyType.MLKEM768_X25519);
        Identity b = AgeKeygen.generate(AgeKeygen.KeyType.MLKEM768_X25519);
        assertTrue(!a.recipient().equals(b.recipient()));
        assertEquals(a.recipient(), Identity.parse(a.secretKeyString()).recipient());
        assertEquals(1, IdentityFile.parse(new ByteArrayInputStream(AgeKeygen.format(a, OffsetDateTime.now()).getBytes()), "k").size());
    }
}
