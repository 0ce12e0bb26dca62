package btrfss3.s3;

import btrfss3.cli.ExitCode;
import btrfss3.cli.Failure;
import btrfss3.s3.ThawPlan.Item;
import btrfss3.s3.ThawPlan.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.RestoreObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Thaws the archived chunks a restore needs: finds which are readable ({@link #check}), asks S3 to restore the
 * others ({@link #request}) and waits until all are readable ({@link #waitUntilAvailable}). Only objects in an
 * archive class are asked about; the rest are readable as listed.
 */
public final class Thaw {
    /** Checks never drift further apart than this while waiting: thaws take minutes to days. */
    public static final Duration MAX_INTERVAL = Duration.ofMinutes(30);

    /** Waits between checks; tests pass one that does not sleep. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * One round of waiting: the plan as S3 reported it, the time waited so far, the time to the next check (zero once
     * all are available), and a problem of this round that did not stop the waiting (a network failure), or null.
     */
    public record Progress(int round, ThawPlan plan, Duration waited, Duration nextCheck, String problem) {}

    private final S3Client s3;
    private final String bucket;
    private final Clock clock;
    private final Sleeper sleeper;

    public Thaw(S3Client s3, String bucket) {
        this(s3, bucket, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    public Thaw(S3Client s3, String bucket, Clock clock, Sleeper sleeper) {
        this.s3 = s3;
        this.bucket = bucket;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** The state of each chunk, from its listed class and, for archived ones, a HEAD. */
    public ThawPlan check(List<S3Object> chunks) {
        List<Item> items = new ArrayList<>(chunks.size());
        for (S3Object o : chunks) {
            String cls = o.storageClassAsString() == null ? "STANDARD" : o.storageClassAsString();
            Item item = new Item(o.key(), cls, o.size() == null ? 0 : o.size(), State.AVAILABLE);
            if (ThawPlan.isArchiveClass(cls)) {
                try {
                    item = item.withState(headState(item));
                } catch (SdkException e) {
                    throw Failure.failed("could not check " + o.key() + ": " + S3Errors.describe(e));
                }
            }
            items.add(item);
        }
        return new ThawPlan(items);
    }

    /**
     * Asks S3 to thaw every archived chunk of the plan for {@code days} days with the tier; one already thawing is
     * fine. Refuses a tier a class among them does not offer before asking anything. Returns the chunks asked
     * about, in their state afterwards (THAWING, or AVAILABLE when S3 says the object is thawed already).
     */
    public List<Item> request(ThawPlan plan, ThawTier tier, int days) {
        if (days < 1) {
            throw Failure.usage("a thawed copy must be kept at least 1 day, not " + days);
        }
        plan.expectedWait(tier);
        List<Item> requested = new ArrayList<>();
        for (Item i : plan.in(State.ARCHIVED)) {
            State after;
            try {
                RestoreObjectResponse r = s3.restoreObject(b -> b.bucket(bucket).key(i.key())
                        .restoreRequest(q -> q.days(days).glacierJobParameters(g -> g.tier(tier.sdkTier()))));
                // 202: thaw started; 200: the object was thawed already, its copy now kept for the new days.
                after = r.sdkHttpResponse().statusCode() == 200 ? State.AVAILABLE : State.THAWING;
            } catch (SdkException e) {
                if (!"RestoreAlreadyInProgress".equals(S3Errors.errorCode(e))) {
                    throw Failure.failed("could not request the thaw of " + i.key() + " (" + i.storageClass() + ", "
                            + tier + "): " + S3Errors.describe(e) + hint(e)
                            + (requested.isEmpty() ? "" : "; the thaws of " + requested.size()
                            + " chunk(s) were requested before it, a new run asks only for the others"));
                }
                after = State.THAWING;
            }
            requested.add(i.withState(after));
        }
        return requested;
    }

    /**
     * Checks the chunks not yet available until all are, first at once, then after initialInterval, doubling up to
     * {@link #MAX_INTERVAL} (or initialInterval, if longer); progress hears of every round, the last included.
     * Returns the plan with every chunk available. A chunk archived with no thaw in progress (never requested, or
     * its thawed copy expired) ends the wait, exit 4, as does a refusal by S3; network failures are reported to
     * progress and the wait goes on.
     */
    public ThawPlan waitUntilAvailable(ThawPlan plan, Duration initialInterval, Consumer<Progress> progress) {
        if (initialInterval.isNegative()) {
            throw new IllegalArgumentException("interval " + initialInterval);
        }
        Duration cap = initialInterval.compareTo(MAX_INTERVAL) > 0 ? initialInterval : MAX_INTERVAL;
        Duration interval = initialInterval;
        Instant start = clock.instant();
        ThawPlan current = plan;
        for (int round = 1; ; round++) {
            List<Item> updated = new ArrayList<>();
            List<String> unrequested = new ArrayList<>();
            String problem = null;
            for (Item i : current.items()) {
                if (i.state() == State.AVAILABLE) {
                    continue;
                }
                try {
                    State s = headState(i);
                    if (s == State.ARCHIVED) {
                        unrequested.add(i.key() + " (" + i.storageClass() + ")");
                    }
                    updated.add(i.withState(s));
                } catch (SdkException e) {
                    if (isRefusal(e)) {
                        throw Failure.failed("could not check " + i.key() + ": " + S3Errors.describe(e));
                    }
                    problem = "could not check " + i.key() + ": " + S3Errors.describe(e);
                }
            }
            if (!unrequested.isEmpty()) {
                throw new Failure(ExitCode.PARTIAL, unrequested.size() + " chunk(s) are archived with no thaw in "
                        + "progress (none was requested, or the thawed copy has expired), so waiting would not end; "
                        + "request their thaw first: " + String.join(", ", unrequested));
            }
            current = current.with(updated);
            boolean done = current.allAvailable();
            progress.accept(new Progress(round, current, Duration.between(start, clock.instant()),
                    done ? Duration.ZERO : interval, problem));
            if (done) {
                return current;
            }
            try {
                sleeper.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Failure.failed("interrupted while waiting for " + current.total(State.THAWING) + " to thaw");
            }
            Duration doubled = interval.multipliedBy(2);
            interval = doubled.compareTo(cap) > 0 ? cap : doubled;
        }
    }

    private State headState(Item i) {
        return stateOf(s3.headObject(b -> b.bucket(bucket).key(i.key())).restore());
    }

    /**
     * From an archived object's x-amz-restore header: {@code ongoing-request="false", expiry-date="..."} is a thawed
     * copy, {@code ongoing-request="true"} a thaw in progress, no header no thaw.
     */
    static State stateOf(String restoreHeader) {
        if (restoreHeader == null || restoreHeader.isBlank()) {
            return State.ARCHIVED;
        }
        String h = restoreHeader.replace(" ", "");
        if (h.contains("ongoing-request=\"false\"")) {
            return State.AVAILABLE;
        }
        if (h.contains("ongoing-request=\"true\"")) {
            return State.THAWING;
        }
        throw Failure.failed("S3 answered an x-amz-restore header that is not understood: " + restoreHeader);
    }

    /** S3 said no (access, a missing key): asking again will not help, unlike a 5xx or a network failure. */
    private static boolean isRefusal(Throwable t) {
        return t instanceof AwsServiceException e && e.statusCode() >= 400 && e.statusCode() < 500
                && e.statusCode() != 408 && e.statusCode() != 429;
    }

    private static String hint(SdkException e) {
        if (S3Errors.isStatus(e, 403) && "AccessDenied".equals(S3Errors.errorCode(e))) {
            return "; thawing needs the s3:RestoreObject permission";
        }
        if ("GlacierExpeditedRetrievalNotAvailable".equals(S3Errors.errorCode(e))) {
            return "; S3 has no Expedited capacity now: try again later, or use the Standard tier";
        }
        return "";
    }
}
