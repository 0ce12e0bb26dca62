package btrfss3.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The LZ4 frame format as the {@code lz4} command line writes it by default: 4 MiB independent
 * blocks and a content checksum, so a damaged or truncated stream is caught at its end.
 */
public final class Lz4Streams {
    private Lz4Streams() {}

    public static OutputStream compress(OutputStream sink) throws IOException {
        return new LZ4FrameOutputStream(sink, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB, -1L,
                LZ4Factory.fastestInstance().fastCompressor(), XXHashFactory.fastestInstance().hash32(),
                LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
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
