package btrfss3.age;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Recipients files as age's {@code -R} reads them: one {@code age1…} or {@code age1pq1…}
 * recipient per line, {@code #} comments and blank lines allowed.
 */
public final class RecipientsFile {
    private RecipientsFile() {}

    public static List<Recipient> read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return parse(in, path.toString());
        }
    }

    /**
     * @param source names the input in error messages, e.g. its path
     * @throws AgeException of kind KEY_FORMAT naming the source and line, never quoting it
     */
    public static List<Recipient> parse(InputStream in, String source) throws IOException {
        List<Recipient> recipients = new ArrayList<>();
        for (KeyFileReader.Line line : KeyFileReader.read(in, source)) {
            try {
                recipients.add(Recipient.parse(line.text()));
            } catch (AgeException e) {
                throw KeyFileReader.at(source, line, e);
            }
        }
        if (recipients.isEmpty()) {
            throw new AgeException(AgeException.Kind.KEY_FORMAT, source + ": no recipients found");
        }
        return List.copyOf(recipients);
    }
}
