package btrfss3.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.support.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LayoutTest {
    @Test
    void chunkNamesAreWhatSplitWithSuffixLength4Makes(@TempDir Path dir) throws IOException {
        byte[] data = new byte[30];
        Exec.check(List.of("split", "-b", "1", "--suffix-length", "4", "-", dir.resolve("x").toString()), data);
        try (var files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            for (int i = 0; i < names.size(); i++) {
                assertEquals(names.get(i), ChunkNames.name(i));
            }
            assertEquals(30, names.size());
        }
        assertEquals("xaaaa", ChunkNames.name(0));
        assertEquals("xaaba", ChunkNames.name(26));
        assertEquals("xzzzz", ChunkNames.name(ChunkNames.MAX_CHUNKS - 1));
        assertThrows(IllegalArgumentException.class, () -> ChunkNames.name(ChunkNames.MAX_CHUNKS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"xaaaa", "xzzzz", "xab"})
    void chunksAreXThenLetters(String name) {
        assertTrue(ChunkNames.isChunk(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "xaaa1", "btrfs_sess_key_enc.dat", "snapshot_info.dat", "manifest.dat", "Xaaaa", "xaaaa.tmp"})
    void otherNamesAreNotChunks(String name) {
        assertFalse(ChunkNames.isChunk(name));
    }

    @ParameterizedTest
    @CsvSource({"1,1", "512M,536870912", "512m,536870912", "4k,4096", "4K,4096", "2G,2147483648", "2g,2147483648",
        "1KB,1000", "1MiB,1048576", "3,3"})
    void chunkSizesReadAsSplitReadsThem(String text, long bytes) {
        assertEquals(bytes, ChunkSize.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "", "5T1", "12X", "6T", "99999999999G", "B"})
    void badChunkSizesAreUsageErrors(String text) {
        Failure f = assertThrows(Failure.class, () -> ChunkSize.parse(text));
        assertEquals(ExitCode.USAGE, f.exitCode());
    }

    @Test
    void keysFollowPrefixEpochSeqSalt() {
        ObjectLayout l = new ObjectLayout("hosts/alpha");
        SequenceId id = new SequenceId(1700000000L, "0123456789abcdef");
        assertEquals("hosts/alpha/daily/1700000000_0123456789abcdef/", l.sequencePrefix("daily", id));
        assertEquals(Optional.of(id), ObjectLayout.parseSequenceDir("hosts/alpha/daily/1700000000_0123456789abcdef/"));
        assertEquals(Optional.empty(), ObjectLayout.parseSequenceDir("hosts/alpha/daily/notes/"));
        SequenceId fresh = SequenceId.create(5);
        assertTrue(fresh.salt().matches("[0-9a-f]{16}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "..", ".", "", "has space", "tab\tchar", "-leading-dash", "é"})
    void badEpochsAreRefused(String epoch) {
        assertEquals(ExitCode.USAGE, assertThrows(Failure.class, () -> ObjectLayout.checkEpoch(epoch)).exitCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/lead", "trail/", "a//b", "", "a/../b", "sp ace"})
    void badPrefixesAreRefused(String prefix) {
        assertEquals(ExitCode.USAGE, assertThrows(Failure.class, () -> new ObjectLayout(prefix)).exitCode());
    }
}
