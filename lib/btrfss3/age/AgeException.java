package btrfss3.age;

import java.io.IOException;

/**
 * Any failure to read or decrypt an age file, or to parse a key. It is an {@link IOException} so
 * that payload failures can surface from {@code InputStream.read}.
 *
 * <p>Messages describe what was wrong, never the key material or the line that held it, so they
 * can be logged or shown as they are.
 */
public class AgeException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * What failed. The first four are the outcomes the age test vectors distinguish; keeping them
     * apart stops a parsing bug from hiding behind a later, more generic, error.
     */
    public enum Kind {
        /** The header is malformed (including a malformed stanza of a type an identity handles). */
        HEADER,
        /** The header is well formed, but no identity could unwrap any stanza. */
        NO_MATCH,
        /** A file key was unwrapped, but the header MAC does not verify: the header was altered. */
        HMAC,
        /** The payload does not decrypt all the way to its end: corrupted, truncated or extended. */
        PAYLOAD,
        /** A recipient, identity, recipients file or identity file could not be parsed. */
        KEY_FORMAT
    }

    private final Kind kind;

    public AgeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public AgeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
