package btrfss3.age;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The age v1 header: version line, recipient stanzas, MAC line. Parsing is strict (exact ABNF,
 * canonical base64) so that exactly one byte string maps to each header, which is what lets the
 * MAC be checked over the bytes as read.
 */
final class Header {
    static final String INTRO = "age-encryption.org/";
    static final String VERSION_LINE = INTRO + "v1";
    static final int MAC_LENGTH = 32;
    /** A bound on what a hostile file can make us buffer; real headers are a few KiB. */
    static final int MAX_HEADER_BYTES = 1 << 20;

    private static final String ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
    private static final int MAC_B64_LENGTH = 43;

    final List<Stanza> stanzas;
    /** The header bytes the MAC covers: everything up to and including the "---". */
    final byte[] macInput;
    final byte[] mac;

    private Header(List<Stanza> stanzas, byte[] macInput, byte[] mac) {
        this.stanzas = stanzas;
        this.macInput = macInput;
        this.mac = mac;
    }

    /** Encodes a complete header, MAC line included, for a file key. */
    static byte[] encode(List<Stanza> stanzas, byte[] fileKey) {
        byte[] macInput = encodeMacInput(stanzas);
        String macLine = " " + CanonicalBase64.encode(computeMac(fileKey, macInput)) + "\n";
        byte[] mac = macLine.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(macInput, macInput.length + mac.length);
        System.arraycopy(mac, 0, out, macInput.length, mac.length);
        return out;
    }

    /** The header up to and including "---": what the MAC covers. */
    static byte[] encodeMacInput(List<Stanza> stanzas) {
        StringBuilder sb = new StringBuilder(VERSION_LINE).append('\n');
        for (Stanza s : stanzas) {
            s.appendTo(sb);
        }
        sb.append("---");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Length of the whole encoded header, MAC line included. */
    int encodedLength() {
        return macInput.length + 1 + MAC_B64_LENGTH + 1;
    }

    static byte[] computeMac(byte[] fileKey, byte[] macInput) {
        byte[] key = Hkdf.sha256(fileKey, new byte[0], "header");
        try {
            return Hkdf.hmacSha256(key, macInput);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Whether the MAC verifies under this file key (constant time). */
    boolean macMatches(byte[] fileKey) {
        return MessageDigest.isEqual(computeMac(fileKey, macInput), mac);
    }

    /**
     * Reads exactly the header from {@code in}, leaving the stream at the first payload byte.
     *
     * @throws AgeException of kind HEADER if it is not a well-formed age v1 header
     */
    static Header read(InputStream in) throws IOException {
        LineReader lines = new LineReader(in);
        String first = lines.next();
        if (first == null || !first.startsWith(INTRO)) {
            if (first != null && first.startsWith(ARMOR_BEGIN)) {
                throw failure("ASCII-armored age files are not supported; decode the armor first");
            }
            throw failure("not an age file: missing the age-encryption.org version line");
        }
        if (first.endsWith("\r")) {
            throw failure("header lines end with CRLF; age headers use LF only");
        }
        if (!first.equals(VERSION_LINE)) {
            throw failure("unsupported age format version (only v1 is supported)");
        }
        List<Stanza> stanzas = new ArrayList<>();
        while (true) {
            String line = lines.next();
            if (line == null) {
                throw failure("header ends before its MAC line");
            }
            if (line.startsWith("---")) {
                if (stanzas.isEmpty()) {
                    throw failure("header has no recipient stanzas");
                }
                if (line.length() != 4 + MAC_B64_LENGTH || line.charAt(3) != ' ') {
                    throw failure("malformed header MAC line");
                }
                byte[] mac;
                try {
                    mac = CanonicalBase64.decode(line.substring(4), MAC_LENGTH);
                } catch (IllegalArgumentException e) {
                    throw failure("malformed header MAC: " + e.getMessage());
                }
                byte[] read = lines.consumed();
                // The MAC covers the header up to "---", without the space and the MAC itself.
                byte[] macInput = Arrays.copyOf(read, read.length - (1 + MAC_B64_LENGTH + 1));
                return new Header(List.copyOf(stanzas), macInput, mac);
            }
            if (!line.startsWith("-> ")) {
                throw failure("header line is neither a stanza nor the MAC line");
            }
            stanzas.add(readStanza(line, lines));
        }
    }

    private static Stanza readStanza(String argLine, LineReader lines) throws IOException {
        String[] args = argLine.substring(3).split(" ", -1);
        for (String arg : args) {
            if (arg.isEmpty()) {
                throw failure("stanza with an empty argument");
            }
            for (int i = 0; i < arg.length(); i++) {
                if (!Stanza.isVisibleAscii(arg.charAt(i))) {
                    throw failure("stanza argument with a character other than printable ASCII");
                }
            }
        }
        StringBuilder body = new StringBuilder();
        while (true) {
            String line = lines.next();
            if (line == null) {
                throw failure("header ends inside a stanza body");
            }
            if (line.length() > Stanza.BODY_LINE_LENGTH) {
                throw failure("stanza body line longer than 64 columns");
            }
            for (int i = 0; i < line.length(); i++) {
                if (!CanonicalBase64.isBase64Char(line.charAt(i))) {
                    throw failure("stanza body line with a non-base64 character (or a missing final body line)");
                }
            }
            body.append(line);
            if (line.length() < Stanza.BODY_LINE_LENGTH) {
                break;
            }
        }
        byte[] decoded;
        try {
            decoded = CanonicalBase64.decode(body.toString());
        } catch (IllegalArgumentException e) {
            throw failure("stanza body: " + e.getMessage());
        }
        return new Stanza(args[0], Arrays.asList(args).subList(1, args.length), decoded);
    }

    private static AgeException failure(String message) {
        return new AgeException(AgeException.Kind.HEADER, message);
    }

    /**
     * LF-terminated lines, read byte by byte so that nothing past the header is consumed. Keeps
     * every byte read, for the MAC.
     */
    private static final class LineReader {
        private final InputStream in;
        private final ByteArrayOutputStream consumed = new ByteArrayOutputStream(1024);
        private final StringBuilder line = new StringBuilder(128);

        LineReader(InputStream in) {
            this.in = in;
        }

        /** The next line without its LF, or null at end of stream before any byte of a line. */
        String next() throws IOException {
            line.setLength(0);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (line.length() == 0) {
                        return null;
                    }
                    throw failure("header ends in the middle of a line");
                }
                if (consumed.size() >= MAX_HEADER_BYTES) {
                    throw failure("header larger than " + MAX_HEADER_BYTES + " bytes");
                }
                consumed.write(b);
                if (b == '\n') {
                    return line.toString();
                }
                // Bytes above 0x7f map to chars no header rule accepts, so they fail where they sit.
                line.append((char) b);
            }
        }

        byte[] consumed() {
            return consumed.toByteArray();
        }
    }
}
