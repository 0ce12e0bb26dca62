package btrfss3.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkSplitterTest {
    @ParameterizedTest
    @CsvSource({"0,10,0", "1,10,1", "10,10,1", "11,10,2", "100,10,10", "101,10,11", "5,1,5", "1000,4096,1"})
    void cutsLikeSplitDashB(int total, int chunkSize, int expectedChunks) throws IOException {
        List<ByteArrayOutputStream> chunks = new ArrayList<>();
        byte[] data = new byte[total];
        for (int i = 0; i < total; i++) {
            data[i] = (byte) i;
        }
        try (ChunkSplitter s = new ChunkSplitter(chunkSize, index -> {
            assertEquals(chunks.size(), index);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            chunks.add(b);
            return b;
        })) {
            // Writes that straddle chunk boundaries in every way.
            int off = 0;
            int step = 3;
            while (off < total) {
                int n = Math.min(step, total - off);
                s.write(data, off, n);
                off += n;
                step = step * 2 + 1;
            }
        }
        assertEquals(expectedChunks, chunks.size());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < chunks.size(); i++) {
            byte[] c = chunks.get(i).toByteArray();
            assertEquals(i < chunks.size() - 1 ? chunkSize : total - chunkSize * (chunks.size() - 1), c.length);
            joined.write(c);
        }
        assertArrayEquals(data, joined.toByteArray());
        assertEquals(true, Arrays.equals(data, joined.toByteArray()));
    }
}
