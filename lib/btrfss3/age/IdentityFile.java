package btrfss3.age;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Identity files as age's {@code -i} reads them (and {@code age-keygen} writes them): one
 * {@code AGE-SECRET-KEY-1…} or {@code AGE-SECRET-KEY-PQ-1…} per line, {@code #} comments and
 * blank lines allowed.
 */
public final class IdentityFile {
    private IdentityFile() {}

    public static List<Identity> read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return parse(in, path.toString());
        }
    }

    /**
     * @param source names the input in error messages, e.g. its path
     * @throws AgeException of kind KEY_FORMAT naming the source and line, never quoting it
     */
    public static List<Identity> parse(InputStream in, String source) throws IOException {
        List<KeyFileReader.Line> lines = KeyFileReader.read(in, source);
        if (!lines.isEmpty() && (lines.get(0).text().startsWith(Header.INTRO)
                || lines.get(0).text().startsWith("-----BEGIN AGE ENCRYPTED FILE-----"))) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT,
                    source + ": passphrase-encrypted identity files are not supported");
        }
        List<Identity> identities = new ArrayList<>();
        for (KeyFileReader.Line line : lines) {
            try {
                identities.add(Identity.parse(line.text()));
            } catch (AgeException e) {
                throw KeyFileReader.at(source, line, e);
            }
        }
        if (identities.isEmpty()) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT, source + ": no identities found");
        }
        return List.copyOf(identities);
    }
}
