package btrfss3.restore;

import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.cli.Log;
import btrfss3.s3.Thaw;
import btrfss3.s3.ThawPlan;
import btrfss3.s3.ThawTier;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Makes sure every chunk a run needs can be downloaded before anything is read: chunks in GLACIER
 * or DEEP_ARCHIVE are thawed on request ({@code --thaw TIER}), waited for ({@code --wait}), or
 * listed with exit 4. {@code --thaw-plan} shows what a thaw would involve and asks for nothing.
 *
 * @param tier        null unless --thaw
 * @param days        how long S3 keeps the thawed copies
 * @param firstPoll   the first wait between checks with --wait; it doubles up to 30 minutes
 */
public record Thawing(ThawTier tier, int days, boolean waitForIt, boolean planOnly, Duration firstPoll) {
    /** What the caller does next. */
    public enum Next { READ, STOP }

    public static Thawing none() {
        return new Thawing(null, 7, false, false, Duration.ofMinutes(1));
    }

    /** @param readFollows the run reads the chunks next (a restore or verify, not a thaw-only run) */
    Next ensureReadable(S3Client s3, String bucket, List<S3Object> chunks, Log log, boolean readFollows) {
        Thaw thaw = new Thaw(s3, bucket);
        ThawPlan plan = thaw.check(chunks);
        if (planOnly) {
            log.result("Thaw plan: " + plan.summary());
            for (ThawTier t : tier != null ? List.of(tier) : List.of(ThawTier.values())) {
                try {
                    var waits = plan.expectedWait(t);
                    if (!waits.isEmpty()) {
                        log.result("  " + t.label() + ": " + describe(waits));
                    }
                } catch (Failure e) {
                    log.result("  " + t.label() + ": not offered (" + e.getMessage() + ")");
                }
            }
            plan.in(ThawPlan.State.ARCHIVED).forEach(i -> log.result("  to thaw: " + i.key() + " (" + i.storageClass()
                    + ", " + ThawPlan.size(i.size()) + ")"));
            return Next.STOP;
        }
        if (plan.allAvailable()) {
            return Next.READ;
        }
        if (tier == null) {
            List<ThawPlan.Item> frozen = plan.items().stream().filter(i -> i.state() != ThawPlan.State.AVAILABLE).toList();
            throw new Failure(ExitCode.PARTIAL, frozen.size() + " chunk(s), " + ThawPlan.size(frozen.stream()
                    .mapToLong(ThawPlan.Item::size).sum()) + ", are archived and must be thawed first: run again with "
                    + "--thaw Bulk|Standard (and --wait), or see --thaw-plan and the README's Glacier section: "
                    + frozen.stream().map(i -> i.key() + " (" + i.storageClass()
                        + (i.state() == ThawPlan.State.THAWING ? ", thaw in progress" : "") + ")")
                        .collect(Collectors.joining(", ")));
        }
        var waits = plan.expectedWait(tier);
        List<ThawPlan.Item> requested = thaw.request(plan, tier, days);
        plan = plan.with(requested);
        log.result("Thaw requested for " + requested.size() + " object(s), " + ThawPlan.size(requested.stream()
                .mapToLong(ThawPlan.Item::size).sum()) + ", tier " + tier.label() + ", kept " + days + " day(s)"
                + (waits.isEmpty() ? "" : "; expected: " + describe(waits))
                + "; now " + plan.summary());
        if (!waitForIt) {
            if (plan.allAvailable()) {
                return Next.READ;
            }
            if (readFollows) {
                throw new Failure(ExitCode.PARTIAL, "not every chunk is thawed yet (" + plan.summary()
                        + "): run the same command again when they are, or add --wait");
            }
            return Next.STOP;
        }
        plan = thaw.waitUntilAvailable(plan, firstPoll, p -> log.info("Thaw check " + p.round() + ": "
                + p.plan().summary() + (p.problem() == null ? "" : " (" + p.problem() + ")")
                + (p.plan().allAvailable() ? "" : "; next check in " + p.nextCheck().toSeconds() + " s")));
        log.result("Every archived chunk is thawed");
        return Next.READ;
    }

    /** "DEEP_ARCHIVE within 48 hours, GLACIER 5-12 hours". */
    private static String describe(java.util.Map<String, String> waits) {
        return waits.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
