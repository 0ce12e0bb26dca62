package btrfss3.format;

import btrfss3.age.AgeEncryptor;
import btrfss3.age.Recipient;
import btrfss3.btrfs.SubvolumeInfo;
import btrfss3.layout.ObjectLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The age-based original's format: each chunk is a binary age file ({@code age -R RECIPIENTS}),
 * and the marker is the age-encrypted text of {@code btrfs subvolume show} of the new snapshot.
 */
public final class AgeFormat implements BackupFormat {
    public static final String NAME = "age";
    private final List<Recipient> recipients;

    public AgeFormat(List<Recipient> recipients) {
        this.recipients = List.copyOf(recipients);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String markerName() {
        return ObjectLayout.AGE_MARKER;
    }

    @Override
    public OutputStream encryptChunk(OutputStream stored) throws IOException {
        return AgeEncryptor.encrypt(stored, recipients);
    }

    @Override
    public byte[] marker(SubvolumeInfo snapshot) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream enc = AgeEncryptor.encrypt(out, recipients)) {
            enc.write(snapshot.text().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Override
    public void close() {}
}
