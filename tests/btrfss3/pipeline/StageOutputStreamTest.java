package btrfss3.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StageOutputStreamTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void everyByteArrivesInOrderAndDoneCompletesOnClose() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(1).nextBytes(data);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        StageOutputStream stage = new StageOutputStream(sink, 4096, 2, pool);
        for (int off = 0; off < data.length; off += 1000) {
            stage.write(data, off, Math.min(1000, data.length - off));
        }
        stage.close();
        stage.done().get();
        assertArrayEquals(data, sink.toByteArray());
    }

    @Test
    void aFailingDownstreamStopsTheWriterWithItsErrorInsteadOfBlockingIt() {
        OutputStream failing = new OutputStream() {
            private int writes;

            @Override
            public void write(int b) {}

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (++writes == 3) {
                    throw new IOException("upload refused");
                }
            }
        };
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(IOException.class, () -> {
            try (StageOutputStream stage = new StageOutputStream(failing, 1024, 1, pool)) {
                byte[] chunk = new byte[1024];
                for (int i = 0; i < 100_000; i++) {
                    stage.write(chunk, 0, chunk.length);
                }
            }
        }));
        assertEquals("upload refused", e.getMessage());
    }
}
