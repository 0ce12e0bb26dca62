package btrfss3.age;

import java.util.List;

/**
 * One recipient stanza of an age header: a type (the first argument), further arguments, and a
 * binary body. Immutable. Recipients produce stanzas; identities recognise and unwrap them.
 */
public final class Stanza {
    /** Bytes of base64 per full body line, and so the width at which bodies wrap. */
    static final int BODY_LINE_LENGTH = 64;

    private final String type;
    private final List<String> args;
    private final byte[] body;

    /** @throws IllegalArgumentException if the type or an argument is empty or not printable ASCII */
    public Stanza(String type, List<String> args, byte[] body) {
        checkArgument(type);
        args.forEach(Stanza::checkArgument);
        this.type = type;
        this.args = List.copyOf(args);
        this.body = body.clone();
    }

    /** Arguments are 1*VCHAR: anything else could not be written back as the same header. */
    private static void checkArgument(String arg) {
        if (arg.isEmpty()) {
            throw new IllegalArgumentException("empty stanza argument");
        }
        for (int i = 0; i < arg.length(); i++) {
            if (!isVisibleAscii(arg.charAt(i))) {
                throw new IllegalArgumentException("stanza argument with a character other than printable ASCII");
            }
        }
    }

    static boolean isVisibleAscii(int c) {
        return c >= 0x21 && c <= 0x7e;
    }

    public String type() {
        return type;
    }

    /** The arguments after the type. */
    public List<String> args() {
        return args;
    }

    public byte[] body() {
        return body.clone();
    }

    int bodyLength() {
        return body.length;
    }

    /** Appends the stanza in header form: argument line, then the body wrapped at 64 columns. */
    void appendTo(StringBuilder out) {
        out.append("-> ").append(type);
        for (String arg : args) {
            out.append(' ').append(arg);
        }
        out.append('\n');
        String b64 = CanonicalBase64.encode(body);
        int i = 0;
        for (; i + BODY_LINE_LENGTH <= b64.length(); i += BODY_LINE_LENGTH) {
            out.append(b64, i, i + BODY_LINE_LENGTH).append('\n');
        }
        // Always end with a short line, empty if need be: that is what ends the stanza.
        out.append(b64, i, b64.length()).append('\n');
    }

    @Override
    public String toString() {
        return "Stanza[" + type + (args.isEmpty() ? "" : " " + String.join(" ", args)) + ", " + body.length + "-byte body]";
    }
}
