package btrfss3.age;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The line format shared by recipients and identity files: one key per line, {@code #} comments
 * and blank lines ignored, surrounding whitespace and CR of CRLF ignored.
 */
final class KeyFileReader {
    /** A key line with its 1-based line number. */
    record Line(int number, String text) {}

    /** Guards against being pointed at a large non-key file; real key files are a few KiB. */
    static final int MAX_BYTES = 1 << 20;

    private KeyFileReader() {}

    static List<Line> read(InputStream in, String source) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT, source + ": larger than " + MAX_BYTES + " bytes, not a key file");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT, source + ": not a text file");
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
        List<Line> lines = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new java.io.StringReader(text));
        int number = 0;
        for (String raw = reader.readLine(); raw != null; raw = reader.readLine()) {
            number++;
            String line = raw.strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                lines.add(new Line(number, line));
            }
        }
        return lines;
    }

    /** Prefixes the source and line to a parse error, keeping the kind and dropping any detail of the line. */
    static AgeException at(String source, Line line, AgeException e) {
        return new AgeException(AgeException.Kind.KEY_FORMAT, source + ":" + line.number() + ": " + e.getMessage());
    }
}
