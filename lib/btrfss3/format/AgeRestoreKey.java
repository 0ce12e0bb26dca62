package btrfss3.format;

import btrfss3.age.AgeDecryptor;
import btrfss3.age.AgeException;
import btrfss3.age.Identity;
import btrfss3.layout.ObjectLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Reads age-format backups with the identities of an age identity file. */
public final class AgeRestoreKey implements RestoreKey {
    private final List<Identity> identities;

    public AgeRestoreKey(List<Identity> identities) {
        this.identities = List.copyOf(identities);
    }

    @Override
    public String description() {
        return "an age identity (-i)";
    }

    @Override
    public String format() {
        return AgeFormat.NAME;
    }

    @Override
    public String markerName() {
        return ObjectLayout.AGE_MARKER;
    }

    @Override
    public void expect(long bytes) {
        AgeDecryptor.expect(bytes);
    }

    @Override
    public ChunkDecryptor open(byte[] marker) throws MarkerException {
        try (InputStream in = AgeDecryptor.decrypt(new ByteArrayInputStream(marker), identities)) {
            in.readAllBytes();
        } catch (AgeException e) {
            throw new MarkerException(e.kind() == AgeException.Kind.NO_MATCH
                    ? "its marker is not encrypted to this identity"
                    : "its marker does not decrypt (" + e.getMessage() + ")", false);
        } catch (IOException e) {
            throw new MarkerException("its marker does not decrypt (" + e.getMessage() + ")", false);
        }
        return stored -> AgeDecryptor.decrypt(stored, identities);
    }
}
