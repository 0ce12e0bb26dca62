package btrfss3.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.cli.Failure;
import btrfss3.format.RestoreKey;
import btrfss3.layout.ObjectLayout;
import btrfss3.layout.SequenceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The pure parts of restore's planning: --until's forms, the chain rule, what each key is told to expect. */
class PlanningTest {
    @Test
    void untilAcceptsASeqAndIso8601Times() {
        assertEquals(1795680060L, Until.parse("1795680060"));
        assertEquals(1795680060L, Until.parse("2026-11-26T08:01:00Z"));
        assertEquals(1795680060L, Until.parse("2026-11-26T09:01:00+01:00"));
        assertEquals(1795680060L, Until.parse("2026-11-26T08:01"), "no offset: UTC");
        assertEquals(1795737599L, Until.parse("2026-11-26"), "a date includes the whole day");
        for (String bad : new String[] {"yesterday", "", "2026-13-01", "-5", "99999999999999999999"}) {
            Failure f = assertThrows(Failure.class, () -> Until.parse(bad), bad);
            assertEquals(1, f.exitCode());
        }
    }

    @Test
    void anIncrementFollowsAnEarlierBackupOrStartsABranch() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        assertNull(ChainCheck.problem(null, null, Set.of()), "a full backup");
        assertNull(ChainCheck.problem(null, false, Set.of(a)), "a full backup later in the chain");
        assertNull(ChainCheck.problem(a, false, Set.of(a, b)), "the previous backup");
        assertNull(ChainCheck.problem(a, null, Set.of(a, b)), "an older one, after a run killed past its marker");
        assertNull(ChainCheck.problem(other, true, Set.of()), "the first backup of a branch");
        assertNull(ChainCheck.problem(other, null, Set.of()), "without a manifest a first increment may be a branch");
        assertTrue(ChainCheck.problem(other, false, Set.of()).contains("which no earlier backup"));
        assertTrue(ChainCheck.problem(other, null, Set.of(a)).contains("which no earlier backup"));
        assertTrue(ChainCheck.problem(other, true, Set.of(a)).contains("not the first backup"));
    }

    @Test
    void eachKeyIsToldHowManyStoredBytesOfItsFormatTheRunWillRead() {
        Expecting age = new Expecting(ObjectLayout.AGE_MARKER);
        Expecting openssl = new Expecting(ObjectLayout.OPENSSL_MARKER);
        List<StoredBackup> backups = List.of(
                backup(1, ObjectLayout.AGE_MARKER, 100, 23),
                backup(2, ObjectLayout.OPENSSL_MARKER, 7),
                backup(3, ObjectLayout.AGE_MARKER, 1000),
                backup(4, "btrfs_manifest_enc.dat", 5000));
        EpochReader.expect(List.of(age, openssl), backups);
        assertEquals(List.of(1123L), age.told());
        assertEquals(List.of(7L), openssl.told());
    }

    private static StoredBackup backup(long seq, String marker, long... chunkSizes) {
        List<S3Object> chunks = new ArrayList<>();
        for (int i = 0; i < chunkSizes.length; i++) {
            chunks.add(S3Object.builder().key("p/e/" + seq + "_s/xa" + (char) ('a' + i)).size(chunkSizes[i]).build());
        }
        return new StoredBackup("p/e/" + seq + "_s/", SequenceId.create(seq), chunks, Set.of(marker));
    }

    /** A key that only records what it is told to expect. */
    private record Expecting(String markerName, List<Long> told) implements RestoreKey {
        Expecting(String markerName) {
            this(markerName, new ArrayList<>());
        }

        @Override
        public String description() {
            return markerName;
        }

        @Override
        public String format() {
            return markerName;
        }

        @Override
        public ChunkDecryptor open(byte[] marker) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void expect(long bytes) {
            told.add(bytes);
        }
    }
}
