package btrfss3.s3;

import btrfss3.cli.Failure;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.Tier;

/**
 * The retrieval tiers S3 offers to thaw (restore) archived objects, and the times AWS states for each: faster tiers
 * cost more per GB. DEEP_ARCHIVE has no Expedited tier.
 */
public enum ThawTier {
    EXPEDITED("Expedited", Tier.EXPEDITED),
    STANDARD("Standard", Tier.STANDARD),
    BULK("Bulk", Tier.BULK);

    /** What AWS states for a tier and class: the text users know, and its upper end. */
    private record Wait(String text, Duration longest) {}

    private final String label;
    private final Tier sdk;

    ThawTier(String label, Tier sdk) {
        this.label = label;
        this.sdk = sdk;
    }

    /** Expedited, Standard or Bulk, in any case. */
    public static ThawTier parse(String name) {
        for (ThawTier t : values()) {
            if (t.label.equalsIgnoreCase(name.strip())) {
                return t;
            }
        }
        throw Failure.usage("unknown thaw tier '" + name + "': one of Expedited, Standard, Bulk");
    }

    /** As S3 names it: Expedited, Standard, Bulk. */
    public String label() {
        return label;
    }

    public Tier sdkTier() {
        return sdk;
    }

    /** The time AWS states, e.g. "3-5 hours"; empty when the class does not offer this tier. */
    public Optional<String> expectedWait(String storageClass) {
        return wait(storageClass).map(Wait::text);
    }

    /** The upper end of {@link #expectedWait}, e.g. 5 hours. */
    public Optional<Duration> longestWait(String storageClass) {
        return wait(storageClass).map(Wait::longest);
    }

    private Optional<Wait> wait(String storageClass) {
        return switch (storageClass.toUpperCase(Locale.ROOT)) {
            case "GLACIER" -> Optional.of(switch (this) {
                case EXPEDITED -> new Wait("1-5 minutes", Duration.ofMinutes(5));
                case STANDARD -> new Wait("3-5 hours", Duration.ofHours(5));
                case BULK -> new Wait("5-12 hours", Duration.ofHours(12));
            });
            case "DEEP_ARCHIVE" -> switch (this) {
                case EXPEDITED -> Optional.empty();
                case STANDARD -> Optional.of(new Wait("within 12 hours", Duration.ofHours(12)));
                case BULK -> Optional.of(new Wait("within 48 hours", Duration.ofHours(48)));
            };
            default -> throw new IllegalArgumentException(storageClass + " is not an archive storage class");
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
