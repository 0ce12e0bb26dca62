package btrfss3.testenv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A TCP proxy on 127.0.0.1 in front of an HTTP/1.1 server (the test S3 server) that forwards requests and responses
 * byte for byte, except for the requests a {@link FaultRule} picks: those get an S3 error answer, a connection reset
 * partway through the request or response body, or are held back ({@link Action#stall()}) until released.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(s3.endpoint())) {
 *     FaultRule slow = proxy.when(Match.request("PUT", "/bucket/key")).then(Action.respond(503, "SlowDown")).times(1);
 *     // ... client with endpointOverride(proxy.endpoint()) ...
 *     slow.awaitHit(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>Requests go out unchanged, Host header included: an AWS signature V4 made for the proxy's address stays valid,
 * because the upstream checks it against the Host header it receives. Each client connection has its own upstream
 * connection; both are kept alive across requests. Bodies may be Content-Length framed or chunked; aws-chunked S3
 * uploads are opaque Content-Length bodies here. {@code Expect: 100-continue} is honoured: the upstream's 100 Continue
 * is passed on, an injected error answers without waiting for the body (and closes that connection).
 *
 * <p>Rules are tried in the order they were made; the first that matches and has uses left is applied, otherwise the
 * request is forwarded. One thread per connection; {@link #close()} closes every connection, stalled ones included.
 */
public final class FaultProxy implements AutoCloseable {
    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket server;
    private final URI endpoint;
    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
    private final List<Request> log = Collections.synchronizedList(new ArrayList<>());
    private final Set<FaultProxyConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionIds = new AtomicInteger();
    private final Thread acceptor;
    private final ProxyEmulation emulation;
    private volatile boolean closed;

    private FaultProxy(URI upstream, ServerSocket server, ProxyEmulation emulation) {
        this.emulation = emulation;
        this.upstreamHost = upstream.getHost();
        this.upstreamPort = upstream.getPort() >= 0 ? upstream.getPort() : 80;
        this.server = server;
        this.endpoint = URI.create("http://127.0.0.1:" + server.getLocalPort());
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
    }

    /** Starts a proxy on a free port of 127.0.0.1 for the http:// server at upstream (only host and port count). */
    public static FaultProxy start(URI upstream) {
        return start(upstream, null);
    }

    /** A proxy that also plays the emulation (null: none) for the requests no rule takes. */
    static FaultProxy start(URI upstream, ProxyEmulation emulation) {
        if (!"http".equalsIgnoreCase(upstream.getScheme()) || upstream.getHost() == null) {
            throw new IllegalArgumentException("need an http://host:port upstream, not " + upstream);
        }
        ServerSocket server;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1: " + e, e);
        }
        FaultProxy proxy = new FaultProxy(upstream, server, emulation);
        proxy.acceptor.start();
        return proxy;
    }

    /** http://127.0.0.1:PORT, for endpointOverride (path-style). */
    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Starts a rule: {@code when(match).then(action)}, optionally followed by {@code .times(n)}. */
    public RuleBuilder when(Match match) {
        return new RuleBuilder(Objects.requireNonNull(match, "match"));
    }

    /** Same as {@link FaultRule#release()}. */
    public void release(FaultRule rule) {
        rule.release();
    }

    /** Releases and forgets every rule: from now on everything is forwarded. */
    public void clearRules() {
        for (FaultRule rule : rules) {
            rule.release();
        }
        rules.clear();
    }

    /** Every request received so far, in arrival order, with the status it got once known. */
    public List<Request> requests() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** Stops listening and closes every connection, stalled ones included. Never throws. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (FaultProxyConnection c : connections) {
            c.abort();
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (Thread t : List.copyOf(threads)) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            acceptor.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[" + endpoint + " -> " + upstreamHost + ":" + upstreamPort + "]";
    }

    boolean isClosed() {
        return closed;
    }

    String upstreamHost() {
        return upstreamHost;
    }

    int upstreamPort() {
        return upstreamPort;
    }

    /** The emulation the forwarded requests go through, or null. */
    ProxyEmulation emulation() {
        return emulation;
    }

    /** Logs the request and returns the rule that takes it, or null to forward it. */
    FaultRule arrived(Request request) {
        log.add(request);
        for (FaultRule rule : rules) {
            if (rule.tryClaim(request)) {
                return rule;
            }
        }
        return null;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("btrfss3 harness: fault proxy accept failed: " + e);
                }
                return;
            }
            FaultProxyConnection c = new FaultProxyConnection(this, connectionIds.incrementAndGet(), socket);
            Thread t = new Thread(() -> {
                try {
                    c.run();
                } finally {
                    connections.remove(c);
                    threads.remove(Thread.currentThread());
                }
            }, "fault-proxy-" + port() + "-conn-" + c.id());
            t.setDaemon(true);
            connections.add(c);
            threads.add(t);
            if (closed) {
                c.abort();
            }
            t.start();
        }
    }

    /** {@code when(match)}; {@link #then(Action)} makes the rule. */
    public final class RuleBuilder {
        private final Match match;

        private RuleBuilder(Match match) {
            this.match = match;
        }

        /** Makes the rule, active at once for every matching request; limit it with {@link FaultRule#times(int)}. */
        public FaultRule then(Action action) {
            FaultRule rule = new FaultRule(FaultProxy.this, match, Objects.requireNonNull(action, "action"));
            rules.add(rule);
            return rule;
        }
    }

    /** Which requests a rule applies to. Immutable; combine with {@link #and(Match)}. */
    public static final class Match implements Predicate<Request> {
        private final Predicate<Request> test;
        private final String description;

        private Match(Predicate<Request> test, String description) {
            this.test = test;
            this.description = description;
        }

        public static Match any() {
            return new Match(r -> true, "any");
        }

        /** The method, e.g. "PUT" (case-insensitive). */
        public static Match method(String method) {
            return new Match(r -> r.method().equalsIgnoreCase(method), method);
        }

        /**
         * A regular expression matching the whole request target (path and query), as sent (percent-encoded) or
         * percent-decoded, e.g. {@code ".+/xaaab(\\?.*)?"} or {@code ".*[?&]partNumber=2(&.*)?"}.
         */
        public static Match path(String regex) {
            Pattern p = Pattern.compile(regex);
            return new Match(r -> p.matcher(r.target()).matches() || p.matcher(r.decodedTarget()).matches(),
                    "path ~ " + regex);
        }

        /** {@link #method(String)} and {@link #path(String)}. */
        public static Match request(String method, String pathRegex) {
            return method(method).and(path(pathRegex));
        }

        /** The first value of the header (null when absent) satisfies value. */
        public static Match header(String name, Predicate<String> value) {
            return new Match(r -> value.test(r.header(name)), "header " + name);
        }

        /** Any condition on the request. */
        public static Match where(String description, Predicate<Request> test) {
            return new Match(test, description);
        }

        public Match and(Match other) {
            return new Match(r -> test(r) && other.test(r), description + " and " + other.description);
        }

        @Override
        public boolean test(Request request) {
            return test.test(request);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** What a rule does to the requests it takes. */
    public static final class Action {
        enum Kind { PASS, RESPOND, RESET_AFTER_REQUEST_BODY, RESET_MID_RESPONSE, STALL }

        final Kind kind;
        final int status;
        final String code;
        final String message;
        final long bytes;

        private Action(Kind kind, int status, String code, String message, long bytes) {
            this.kind = kind;
            this.status = status;
            this.code = code;
            this.message = message;
            this.bytes = bytes;
        }

        /** Forwards the request (useful to shield requests from a later, broader rule). */
        public static Action pass() {
            return new Action(Kind.PASS, 0, null, null, 0);
        }

        /**
         * Answers in place of the server with an S3 XML error, e.g. (500, "InternalError") or (503, "SlowDown"). The
         * request body is read and dropped and the connection kept alive, except when the client waits for
         * {@code 100 Continue}: then it is answered at once and the connection closed. Nothing reaches the server.
         */
        public static Action respond(int status, String s3ErrorCode) {
            return respond(status, s3ErrorCode, defaultMessage(s3ErrorCode));
        }

        public static Action respond(int status, String s3ErrorCode, String message) {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("status " + status);
            }
            return new Action(Kind.RESPOND, status, Objects.requireNonNull(s3ErrorCode), message, 0);
        }

        /**
         * Forwards the request head and the first {@code bytes} bytes of the request body (as on the wire, chunk
         * framing included), then resets both connections (RST): the server gets a truncated request. When the body
         * is not longer, all of it is forwarded, the server's answer is awaited (so the request has been carried out)
         * and withheld, and the client connection reset: a lost response.
         */
        public static Action resetAfterRequestBody(long bytes) {
            return new Action(Kind.RESET_AFTER_REQUEST_BODY, 0, null, null, requireNonNegative(bytes));
        }

        /**
         * Forwards the request and the response head, then the first {@code bytes} bytes of the response body, then
         * resets the client connection (RST). A response body not longer than that is forwarded whole, untouched.
         * Keep bytes well below the socket buffers (tens of KiB) so that they reach the client before the reset.
         */
        public static Action resetMidResponse(long bytes) {
            return new Action(Kind.RESET_MID_RESPONSE, 0, null, null, requireNonNegative(bytes));
        }

        /**
         * Holds the request: nothing is forwarded or answered (the request body is read into memory as the client
         * sends it) until the client gives up, the proxy closes, or the rule is released; then it is forwarded.
         */
        public static Action stall() {
            return new Action(Kind.STALL, 0, null, null, 0);
        }

        private static long requireNonNegative(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes " + bytes);
            }
            return bytes;
        }

        private static String defaultMessage(String code) {
            return switch (code) {
                case "SlowDown" -> "Please reduce your request rate.";
                case "InternalError" -> "We encountered an internal error. Please try again.";
                case "ServiceUnavailable" -> "Service is unable to handle request.";
                case "RequestTimeout" ->
                        "Your socket connection to the server was not read from or written to within the timeout period.";
                default -> "Injected fault " + code + ".";
            };
        }

        @Override
        public String toString() {
            return switch (kind) {
                case PASS -> "pass";
                case RESPOND -> "respond " + status + " " + code;
                case RESET_AFTER_REQUEST_BODY -> "reset after " + bytes + " request body bytes";
                case RESET_MID_RESPONSE -> "reset after " + bytes + " response body bytes";
                case STALL -> "stall";
            };
        }
    }

    /** A request as the proxy received it, and what became of it. */
    public static final class Request {
        private final int connection;
        private final String method;
        private final String target;
        private final Map<String, List<String>> headers;
        private volatile int status;
        private volatile String outcome = "pending";

        Request(int connection, String method, String target, Map<String, List<String>> headers) {
            this.connection = connection;
            this.method = method;
            this.target = target;
            this.headers = headers;
        }

        /** Number of the client connection it came on (1, 2, ... in order of connection). */
        public int connection() {
            return connection;
        }

        public String method() {
            return method;
        }

        /** Path and query as sent, e.g. /bucket/key?uploadId=...&partNumber=2. */
        public String target() {
            return target;
        }

        /** The target percent-decoded (UTF-8). */
        public String decodedTarget() {
            return percentDecode(target);
        }

        /** The target's path (up to '?'), as sent. */
        public String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        /** The path percent-decoded (UTF-8), e.g. /bucket/dir/key. */
        public String decodedPath() {
            return percentDecode(path());
        }

        /** The first value of the header (case-insensitive name), or null. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** All headers; names case-insensitive. */
        public Map<String, List<String>> headers() {
            return headers;
        }

        /**
         * The status sent to the client, set before the response goes out (so it is there once the client has the
         * response): 0 while in progress (or stalled), -1 when the client got no complete response (reset, gave up,
         * proxy closed).
         */
        public int status() {
            return status;
        }

        /**
         * What the proxy did: "forward", or the action applied (with how a stall ended); "answered by the proxy" or
         * "forward, reviewed" when an emulation ({@link GlacierFront}) answered it or changed the server's answer.
         */
        public String outcome() {
            return outcome;
        }

        void finish(int status, String outcome) {
            this.outcome = outcome;
            this.status = status;
        }

        void outcome(String outcome) {
            this.outcome = outcome;
        }

        @Override
        public String toString() {
            return method + " " + target + " -> " + status + " (" + outcome + ", connection " + connection + ")";
        }

        private static String percentDecode(String s) {
            if (s.indexOf('%') < 0) {
                return s;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                int hi = c == '%' && i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (lo >= 0) {
                    out.write(hi * 16 + lo);
                    i += 2;
                } else {
                    out.write(c); // the target arrived as ISO-8859-1 text: one char per byte
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
