package btrfss3.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The LZ4 frame format as the {@code lz4} command line writes it by default: 4 MiB independent
 * blocks and a content checksum, so a damaged or truncated stream is caught at its end.
 */
public final class Lz4Streams {
    private Lz4Streams() {}

    /** Closing the returned stream ends the frame and closes {@code sink}. */
    public static OutputStream compress(OutputStream sink) throws IOException {
        return new FrameWriter(sink);
    }

    /**
     * The frame lz4-java's LZ4FrameOutputStream writes with these settings, byte for byte, without
     * its garbage: it copies every block that does not compress into a new array and zeroes its
     * 4 MiB output buffer before every block. Here a block that does not compress is written from
     * where it was collected, and nothing is allocated after the start.
     */
    private static final class FrameWriter extends BulkOutputStream {
        private static final int MAGIC = 0x184D2204;
        private static final int BLOCK_SIZE = 4 << 20;
        /** Version 01, independent blocks, content checksum. */
        private static final int FLG = 0x40 | 0x20 | 0x04;
        /** Largest block: 4 MiB. */
        private static final int BD = 7 << 4;
        private static final int UNCOMPRESSED = 0x80000000;

        private final OutputStream out;
        private final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
        private final StreamingXXHash32 contentHash = XXHashFactory.fastestInstance().newStreamingHash32(0);
        private final byte[] block = new byte[BLOCK_SIZE];
        /** A block's 4-byte length, then its compressed bytes: one write. */
        private final byte[] compressed = new byte[4 + compressor.maxCompressedLength(BLOCK_SIZE)];
        private final byte[] word = new byte[4];
        private int filled;
        private boolean closed;

        FrameWriter(OutputStream out) throws IOException {
            this.out = out;
            byte[] header = new byte[7];
            putIntLE(header, 0, MAGIC);
            header[4] = (byte) FLG;
            header[5] = (byte) BD;
            header[6] = (byte) ((XXHashFactory.fastestInstance().hash32().hash(header, 4, 2, 0) >> 8) & 0xFF);
            out.write(header);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("stream closed");
            }
            while (len > 0) {
                int n = Math.min(len, BLOCK_SIZE - filled);
                System.arraycopy(b, off, block, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == BLOCK_SIZE) {
                    writeBlock();
                }
            }
        }

        private void writeBlock() throws IOException {
            if (filled == 0) {
                return;
            }
            contentHash.update(block, 0, filled);
            int n = compressor.compress(block, 0, filled, compressed, 4, compressed.length - 4);
            if (n < filled) {
                putIntLE(compressed, 0, n);
                out.write(compressed, 0, 4 + n);
            } else {
                putIntLE(word, 0, filled | UNCOMPRESSED);
                out.write(word);
                out.write(block, 0, filled);
            }
            filled = 0;
        }

        @Override
        public void flush() throws IOException {
            if (!closed) {
                writeBlock();
            }
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            writeBlock();
            closed = true;
            byte[] end = new byte[8];
            putIntLE(end, 0, 0);
            putIntLE(end, 4, contentHash.getValue());
            out.write(end);
            out.close();
        }

        private static void putIntLE(byte[] b, int off, int v) {
            b[off] = (byte) v;
            b[off + 1] = (byte) (v >>> 8);
            b[off + 2] = (byte) (v >>> 16);
            b[off + 3] = (byte) (v >>> 24);
        }
    }

    /**
     * Decodes exactly one frame and then insists on the end of the input: bytes after the frame
     * mean the chunks do not belong together.
     */
    public static InputStream decompress(InputStream source) throws IOException {
        InputStream frame = new LZ4FrameInputStream(source, LZ4Factory.fastestInstance().safeDecompressor(),
                XXHashFactory.fastestInstance().hash32(), true);
        return new BulkInputStream() {
            private boolean checked;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = frame.read(b, off, len);
                if (n < 0 && !checked) {
                    checked = true;
                    if (source.read() >= 0) {
                        throw new IOException("data follows the end of the LZ4 frame: the chunks do not form one stream");
                    }
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                frame.close();
            }
        };
    }
}
