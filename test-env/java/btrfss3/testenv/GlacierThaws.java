package btrfss3.testenv;

import btrfss3.testenv.GlacierFront.RestoreCall;
import btrfss3.testenv.GlacierFront.ThawState;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The thaws (restore requests) a {@link GlacierFront} has taken, one per object, and when they complete: when the
 * test says so, or after a number of HEADs of the object, so that a polling client sees the thaw end without any
 * waiting. Thread-safe: the front's connections and the test call it concurrently.
 */
final class GlacierThaws {
    /** x-amz-restore's expiry-date, as S3 writes it. */
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);
    /** Thaws complete only when the test says so. */
    private static final int NEVER = -1;

    private static final class Thaw {
        int days;
        boolean done;
        String expiry;
        /** HEADs while thawing, since the request or since the last {@link #completeAfterHeads} call. */
        int heads;
    }

    private final Map<String, Thaw> thaws = new HashMap<>();
    private final List<RestoreCall> calls = new ArrayList<>();
    private int afterHeads = NEVER;

    private static String id(String bucket, String key) {
        return bucket + "/" + key;
    }

    synchronized void record(RestoreCall call) {
        calls.add(call);
    }

    synchronized List<RestoreCall> calls() {
        return List.copyOf(calls);
    }

    /**
     * A restore request for an archived object; returns the status S3 answers: 202 for a new thaw, 409 while one is
     * in progress, 200 when the object is thawed already (S3 then sets the new expiry).
     */
    synchronized int request(String bucket, String key, int days) {
        Thaw t = thaws.get(id(bucket, key));
        if (t == null) {
            t = new Thaw();
            t.days = days;
            thaws.put(id(bucket, key), t);
            if (afterHeads == 0) {
                complete(t);
            }
            return 202;
        }
        if (!t.done) {
            return 409;
        }
        t.days = days;
        complete(t);
        return 200;
    }

    /** A HEAD of the archived object: counts towards the thaw's completion; returns x-amz-restore's value or null. */
    synchronized String headed(String bucket, String key) {
        Thaw t = thaws.get(id(bucket, key));
        if (t == null) {
            return null;
        }
        if (!t.done) {
            t.heads++;
            if (afterHeads > 0 && t.heads >= afterHeads) {
                complete(t);
            }
        }
        return header(t);
    }

    /** x-amz-restore's value for the object, or null when no restore was requested. */
    synchronized String restoreHeader(String bucket, String key) {
        Thaw t = thaws.get(id(bucket, key));
        return t == null ? null : header(t);
    }

    synchronized ThawState state(String bucket, String key) {
        Thaw t = thaws.get(id(bucket, key));
        return t == null ? ThawState.ARCHIVED : t.done ? ThawState.THAWED : ThawState.THAWING;
    }

    synchronized void completeAll() {
        thaws.values().stream().filter(t -> !t.done).forEach(this::complete);
    }

    /** Completes the object's thaw; false when none was requested. */
    synchronized boolean completeOne(String bucket, String key) {
        Thaw t = thaws.get(id(bucket, key));
        if (t == null) {
            return false;
        }
        if (!t.done) {
            complete(t);
        }
        return true;
    }

    /** From now on a thaw completes on the n-th HEAD of its object (0: at once), counted from now for pending ones. */
    synchronized void completeAfterHeads(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("completeThawsAfterHeads(" + n + ")");
        }
        afterHeads = n;
        for (Thaw t : thaws.values()) {
            t.heads = 0;
            if (n == 0 && !t.done) {
                complete(t);
            }
        }
    }

    private void complete(Thaw t) {
        t.done = true;
        // S3 keeps the copy until midnight UTC after the days have passed.
        t.expiry = HTTP_DATE.format(LocalDate.now(ZoneOffset.UTC).plusDays(t.days + 1L).atStartOfDay());
    }

    private static String header(Thaw t) {
        return t.done ? "ongoing-request=\"false\", expiry-date=\"" + t.expiry + "\"" : "ongoing-request=\"true\"";
    }
}
