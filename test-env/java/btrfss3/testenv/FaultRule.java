package btrfss3.testenv;

import btrfss3.testenv.FaultProxy.Action;
import btrfss3.testenv.FaultProxy.Match;
import btrfss3.testenv.FaultProxy.Request;
import java.time.Duration;

/**
 * One rule of a {@link FaultProxy}: requests that match get the action, as long as the rule has uses left. Made by
 * {@code proxy.when(match).then(action)}, active at once and for every matching request ({@link #always()}) until
 * {@link #times(int)} limits it; set the limit before the requests it concerns are sent. Once used up or
 * {@link #release() released} the rule matches nothing and later rules or plain forwarding apply.
 */
public final class FaultRule {
    private final FaultProxy proxy;
    private final Match match;
    private final Action action;
    private int limit = -1;
    private int hits;
    private boolean released;

    FaultRule(FaultProxy proxy, Match match, Action action) {
        this.proxy = proxy;
        this.match = match;
        this.action = action;
    }

    /** The rule applies to the first n matching requests (counted since it was made), then no more. */
    public synchronized FaultRule times(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("times(" + n + ")");
        }
        limit = n;
        return this;
    }

    /** The rule applies to every matching request (the default). */
    public synchronized FaultRule always() {
        limit = -1;
        return this;
    }

    public Match match() {
        return match;
    }

    public Action action() {
        return action;
    }

    /** How many requests this rule has been applied to so far. */
    public synchronized int hits() {
        return hits;
    }

    /** Waits until the rule has been applied at least once; returns {@link #hits()}. AssertionError on timeout. */
    public int awaitHit(Duration timeout) {
        return awaitHits(1, timeout);
    }

    /** Waits until the rule has been applied at least n times; returns {@link #hits()}. AssertionError on timeout. */
    public int awaitHits(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (hits < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("fault rule " + this + ": " + hits + " of " + n + " hits after "
                            + timeout + "; requests seen: " + proxy.requests());
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for " + this, e);
                }
            }
            return hits;
        }
    }

    /**
     * Retires the rule: it matches nothing from now on, and the requests its {@link Action#stall() stall} holds go
     * on to the upstream server as if nothing had happened (unless their client has given up).
     */
    public synchronized void release() {
        released = true;
        notifyAll();
    }

    public synchronized boolean isReleased() {
        return released;
    }

    /** Claims the request for this rule if it matches and the rule has uses left. */
    synchronized boolean tryClaim(Request request) {
        if (released || (limit >= 0 && hits >= limit) || !match.test(request)) {
            return false;
        }
        hits++;
        notifyAll();
        return true;
    }

    /** Waits up to millis for {@link #release()}; true once released. */
    synchronized boolean awaitRelease(long millis) throws InterruptedException {
        if (!released && millis > 0) {
            wait(millis);
        }
        return released;
    }

    @Override
    public synchronized String toString() {
        return "when " + match + " then " + action + (limit < 0 ? " always" : " times " + limit) + " (hits " + hits
                + (released ? ", released" : "") + ")";
    }
}
