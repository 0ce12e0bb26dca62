package btrfss3.testenv;

import btrfss3.testenv.FaultProxy.Action;
import btrfss3.testenv.FaultProxy.Request;
import btrfss3.testenv.ProxyEmulation.Reply;
import btrfss3.testenv.ProxyEmulation.Review;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/** One client connection of a {@link FaultProxy} and its upstream connection; requests one after the other. */
final class FaultProxyConnection {
    private static final int MAX_HEAD = 64 * 1024;
    private static final int UPSTREAM_READ_TIMEOUT_MS = 300_000;
    private static final long ALL = Long.MAX_VALUE;
    /** Request bodies an emulation answers are small S3 documents (a RestoreRequest). */
    private static final int MAX_EMULATED_BODY = 1 << 20;

    private enum Next { KEEP_ALIVE, CLOSE, GONE }

    private final FaultProxy proxy;
    private final int id;
    private final Socket client;
    private volatile Socket upstream;
    private In upIn;
    private OutputStream upOut;

    FaultProxyConnection(FaultProxy proxy, int id, Socket client) {
        this.proxy = proxy;
        this.id = id;
        this.client = client;
    }

    int id() {
        return id;
    }

    void run() {
        Next next = Next.CLOSE;
        try {
            client.setTcpNoDelay(true);
            In in = new In(client.getInputStream());
            OutputStream out = client.getOutputStream();
            do {
                next = exchange(in, out);
            } while (next == Next.KEEP_ALIVE && !proxy.isClosed());
        } catch (IOException e) {
            next = Next.GONE; // the client went away (or the proxy closed)
        } finally {
            closeUpstream(false);
            if (next == Next.CLOSE && !proxy.isClosed()) {
                lingeringClose(client);
            } else {
                closeQuietly(client);
            }
        }
    }

    /** Closes both sockets at once (proxy shutdown); the connection's thread then ends. */
    void abort() {
        closeQuietly(client);
        closeQuietly(upstream);
    }

    /** Handles one request: reads it, applies the rule's action, says whether the connection goes on. */
    private Next exchange(In in, OutputStream out) throws IOException {
        Head head = Head.read(in, true);
        if (head == null) {
            return Next.CLOSE;
        }
        Request request = new Request(id, head.method, head.target, head.headerMap());
        FaultRule rule = proxy.arrived(request);
        Action action = rule == null ? Action.pass() : rule.action();
        request.outcome(rule == null ? "forward" : action.toString());
        try {
            Framing body = Framing.ofRequest(head);
            boolean expectsContinue = body.hasBody() && head.hasToken("Expect", "100-continue");
            return switch (action.kind) {
                case RESPOND -> respond(request, head, in, out, body, expectsContinue, action);
                case STALL -> stall(request, head, in, out, body, expectsContinue, rule);
                default -> forward(request, head, in, out, body, expectsContinue, action);
            };
        } catch (IOException | RuntimeException e) {
            if (request.status() != -1) { // the response, if begun, did not get through
                request.finish(-1, request.outcome() + (proxy.isClosed() ? ", proxy closed" : ", failed: " + e));
            }
            throw e;
        }
    }

    private Next respond(Request request, Head head, In in, OutputStream out, Framing body, boolean expectsContinue,
            Action action) throws IOException {
        // A client waiting for 100 Continue sends no body (or sends it later): answer now and close the connection.
        if (body.hasBody() && !expectsContinue) {
            copyBody(in, body, null, ALL);
        }
        boolean close = expectsContinue || head.wantsClose();
        request.finish(action.status, action.toString());
        sendReply(head, out, Reply.s3Error(action.status, action.code, action.message), close);
        return close ? Next.CLOSE : Next.KEEP_ALIVE;
    }

    /** Writes an answer made by the proxy; an S3 error gets the XML document S3 sends (none for HEAD). */
    private static void sendReply(Head head, OutputStream out, Reply reply, boolean close) throws IOException {
        String requestId = HexFormat.of().withUpperCase().toHexDigits(ThreadLocalRandom.current().nextLong());
        byte[] xml = new byte[0];
        if (reply.errorCode != null) {
            StringBuilder doc = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>")
                    .append(xmlEscape(reply.errorCode)).append("</Code><Message>").append(xmlEscape(reply.message))
                    .append("</Message>");
            reply.details.forEach((element, value) -> doc.append('<').append(element).append('>')
                    .append(xmlEscape(value)).append("</").append(element).append('>'));
            doc.append("<Resource>").append(xmlEscape(head.target)).append("</Resource><RequestId>").append(requestId)
                    .append("</RequestId></Error>");
            xml = doc.toString().getBytes(StandardCharsets.UTF_8);
        }
        boolean withBody = !head.method.equals("HEAD");
        StringBuilder response = new StringBuilder()
                .append("HTTP/1.1 ").append(reply.status).append(' ').append(reason(reply.status)).append("\r\n")
                .append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .append("\r\n")
                .append("x-amz-request-id: ").append(requestId).append("\r\n");
        for (String[] h : reply.headers) {
            response.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        if (xml.length > 0) {
            response.append("Content-Type: application/xml\r\n");
        }
        response.append("Content-Length: ").append(withBody ? xml.length : 0).append("\r\n");
        if (close) {
            response.append("Connection: close\r\n");
        }
        response.append("\r\n");
        out.write(response.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (withBody) {
            out.write(xml);
        }
        out.flush();
    }

    /**
     * The emulation answers the request: its body is read (after a 100 Continue when the client waits for one) and
     * nothing goes to the server.
     */
    private Next answerHere(ProxyEmulation emulation, Request request, Head head, In bodyIn, OutputStream out,
            Framing body, boolean clientAwaitsContinue) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        if (body.hasBody()) {
            if (clientAwaitsContinue) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            if (!decodeBody(bodyIn, body, received, MAX_EMULATED_BODY)) {
                throw new IOException("request body larger than " + MAX_EMULATED_BODY + " bytes for " + request);
            }
        }
        Reply reply;
        try {
            reply = emulation.answer(request, received.toByteArray());
        } catch (RuntimeException e) {
            reply = emulationFailed(e);
        }
        boolean close = head.wantsClose();
        request.finish(reply.status, "answered by the proxy");
        sendReply(head, out, reply, close);
        return close ? Next.CLOSE : Next.KEEP_ALIVE;
    }

    /** A bug in an emulation reaches the test as a 500 with the reason, not as a dead connection. */
    private static Reply emulationFailed(RuntimeException e) {
        return Reply.s3Error(500, "InternalError", "fault proxy emulation failed: " + e);
    }

    private Next stall(Request request, Head head, In in, OutputStream out, Framing body, boolean expectsContinue,
            FaultRule rule) throws IOException {
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        boolean bodyRead = !body.hasBody();
        try {
            while (!rule.awaitRelease(20)) {
                if (proxy.isClosed()) {
                    request.finish(-1, "stall, proxy closed");
                    return Next.GONE;
                }
                if (!bodyRead && in.buffered() > 0) {
                    copyBody(in, body, held, ALL); // the client sends it (after waiting for 100 Continue in vain)
                    bodyRead = true;
                } else if (in.buffered() == 0 && in.poll(client, 20) < 0) {
                    request.finish(-1, "stall, client gave up");
                    return Next.GONE;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.finish(-1, "stall, interrupted");
            return Next.GONE;
        } catch (IOException e) {
            request.finish(-1, proxy.isClosed() ? "stall, proxy closed" : "stall, client gave up");
            throw e;
        }
        request.outcome("stall, released");
        if (!bodyRead) {
            return forward(request, head, in, out, body, expectsContinue, Action.pass());
        }
        // The client has sent everything: replay the held request; an upstream 100 Continue is not passed on.
        return forward(request, head, new In(new ByteArrayInputStream(held.toByteArray())), out, body, false,
                Action.pass());
    }

    /**
     * Forwards the request (head and body from bodyIn) and relays the answer, applying the reset actions. When
     * clientAwaitsContinue the client waits for 100 Continue before sending the body.
     */
    private Next forward(Request request, Head head, In bodyIn, OutputStream out, Framing body,
            boolean clientAwaitsContinue, Action action) throws IOException {
        ProxyEmulation emulation = action.kind == Action.Kind.PASS ? proxy.emulation() : null;
        if (emulation != null && emulation.answers(request)) {
            return answerHere(emulation, request, head, bodyIn, out, body, clientAwaitsContinue);
        }
        String outcome = request.outcome();
        boolean answered = false; // bytes of a final response went to the client
        try {
            connectUpstream();
            upOut.write(head.raw);
            Head response = null;
            boolean expect = body.hasBody() && head.hasToken("Expect", "100-continue");
            if (expect) {
                upOut.flush();
                response = Head.read(upIn, false);
                while (response != null && response.status > 100 && response.status < 200) {
                    out.write(response.raw); // other informational answers are passed on
                    response = Head.read(upIn, false);
                }
                if (response == null) {
                    throw new UpstreamException("upstream closed the connection");
                }
                if (response.status == 100) {
                    if (clientAwaitsContinue) {
                        out.write(response.raw);
                        out.flush();
                    }
                    response = null;
                }
            }
            boolean bodySkipped = response != null; // the upstream answered without wanting the body
            if (!bodySkipped) {
                long limit = action.kind == Action.Kind.RESET_AFTER_REQUEST_BODY ? action.bytes : ALL;
                if (!copyBody(bodyIn, body, upOut, limit)) {
                    upOut.flush();
                    request.finish(-1, outcome);
                    return reset();
                }
                upOut.flush();
                response = readFinalHead(out);
            }
            if (action.kind == Action.Kind.RESET_AFTER_REQUEST_BODY) {
                request.finish(-1, outcome); // the server has answered; the client never hears of it
                return reset();
            }
            Framing responseBody = Framing.ofResponse(response, head.method);
            if (emulation != null) {
                Review review;
                try {
                    review = emulation.review(request, response);
                } catch (RuntimeException e) {
                    review = Review.replace(emulationFailed(e));
                }
                if (review.replacement != null) {
                    return replaceAnswer(request, head, out, response, responseBody, bodySkipped, clientAwaitsContinue,
                            review.replacement, outcome + ", reviewed");
                }
                if (!review.addedHeaders.isEmpty()) {
                    response = response.withHeaders(review.addedHeaders);
                    outcome += ", reviewed";
                }
            }
            answered = true;
            request.finish(response.status, outcome); // before the client can see the answer
            out.write(response.raw);
            long limit = action.kind == Action.Kind.RESET_MID_RESPONSE ? action.bytes : ALL;
            if (!copyBody(upIn, responseBody, out, limit)) {
                out.flush();
                request.finish(-1, outcome);
                return reset();
            }
            out.flush();
            boolean close = head.wantsClose() || response.wantsClose() || responseBody.kind == Framing.Kind.UNTIL_CLOSE;
            if (close || bodySkipped) {
                closeUpstream(false);
            }
            return close || (bodySkipped && clientAwaitsContinue) ? Next.CLOSE : Next.KEEP_ALIVE;
        } catch (UpstreamException e) {
            closeUpstream(true);
            if (answered) {
                request.finish(-1, outcome + ", upstream failed: " + e.getMessage());
                return reset();
            }
            request.finish(502, outcome + ", upstream failed: " + e.getMessage());
            String message = "fault proxy: upstream " + proxy.upstreamHost() + ":" + proxy.upstreamPort() + ": "
                    + e.getMessage();
            byte[] text = message.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                    + text.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(text);
            out.flush();
            return Next.CLOSE;
        }
    }

    /** Sends the emulation's answer instead of the server's, whose body is read and dropped. */
    private Next replaceAnswer(Request request, Head head, OutputStream out, Head response, Framing responseBody,
            boolean bodySkipped, boolean clientAwaitsContinue, Reply reply, String outcome) throws IOException {
        copyBody(upIn, responseBody, null, ALL);
        if (response.wantsClose() || responseBody.kind == Framing.Kind.UNTIL_CLOSE || bodySkipped) {
            closeUpstream(false);
        }
        boolean close = head.wantsClose() || (bodySkipped && clientAwaitsContinue);
        request.finish(reply.status, outcome);
        sendReply(head, out, reply, close);
        return close ? Next.CLOSE : Next.KEEP_ALIVE;
    }

    /** Reads the upstream's answer after the request body; passes on informational answers other than 100. */
    private Head readFinalHead(OutputStream out) throws IOException {
        while (true) {
            Head response = Head.read(upIn, false);
            if (response == null) {
                throw new UpstreamException("upstream closed the connection without an answer");
            }
            if (response.status >= 200) {
                return response;
            }
            if (response.status != 100) {
                out.write(response.raw);
            }
        }
    }

    /** Resets the client connection (RST) and drops the upstream one. */
    private Next reset() {
        try {
            client.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        closeQuietly(client);
        closeUpstream(true);
        return Next.GONE;
    }

    /** Opens the upstream connection, or checks that the kept-alive one is still open. */
    private void connectUpstream() throws UpstreamException {
        if (upstream != null && !upstreamStillOpen()) {
            closeUpstream(false);
        }
        if (upstream != null) {
            return;
        }
        Socket s = new Socket();
        upstream = s;
        try {
            if (proxy.isClosed()) {
                throw new IOException("proxy closed");
            }
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(proxy.upstreamHost(), proxy.upstreamPort()), 10_000);
            s.setSoTimeout(UPSTREAM_READ_TIMEOUT_MS);
            upIn = new In(new UpstreamInput(s.getInputStream()));
            upOut = new UpstreamOutput(s.getOutputStream());
        } catch (IOException e) {
            closeUpstream(false);
            throw new UpstreamException("cannot connect: " + e);
        }
    }

    /** False when the upstream has closed the kept-alive connection (or sent something unasked). */
    private boolean upstreamStillOpen() {
        if (upIn.buffered() > 0) {
            return false;
        }
        try {
            upstream.setSoTimeout(1);
            upstream.getInputStream().read();
            return false;
        } catch (SocketTimeoutException e) {
            try {
                upstream.setSoTimeout(UPSTREAM_READ_TIMEOUT_MS);
                return true;
            } catch (IOException e2) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
    }

    private void closeUpstream(boolean hard) {
        Socket s = upstream;
        upstream = null;
        upIn = null;
        upOut = null;
        if (s != null && hard) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        closeQuietly(s);
    }

    /** Sends FIN, reads what the client still sends (so that closing does not reset), then closes. */
    private static void lingeringClose(Socket s) {
        try {
            s.shutdownOutput();
            s.setSoTimeout(1000);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (in.read(buf) >= 0 && System.nanoTime() < deadline) {
                // discard
            }
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /**
     * Copies a body as it is on the wire (chunk framing included) to out (null: drop it). Stops after limit bytes;
     * returns true when the whole body was copied, false when the limit cut it short.
     */
    static boolean copyBody(In in, Framing framing, OutputStream out, long limit) throws IOException {
        Budget budget = new Budget(out, limit);
        switch (framing.kind) {
            case NONE:
                return true;
            case LENGTH:
                return copyExactly(in, framing.length, budget);
            case UNTIL_CLOSE: {
                byte[] buf = new byte[16384];
                for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
                    if (!budget.put(buf, 0, n)) {
                        return false;
                    }
                }
                return true;
            }
            case CHUNKED:
                while (true) {
                    byte[] line = in.readLine();
                    if (!budget.put(line, 0, line.length)) {
                        return false;
                    }
                    long size = chunkSize(line);
                    if (size == 0) {
                        do { // trailer section up to the empty line
                            line = in.readLine();
                            if (!budget.put(line, 0, line.length)) {
                                return false;
                            }
                        } while (!isBlank(line));
                        return true;
                    }
                    if (!copyExactly(in, size, budget)) {
                        return false;
                    }
                    line = in.readLine();
                    if (!isBlank(line)) {
                        throw new IOException("bad chunked body: no CRLF after a chunk");
                    }
                    if (!budget.put(line, 0, line.length)) {
                        return false;
                    }
                }
            default:
                throw new IllegalStateException(framing.kind.toString());
        }
    }

    /**
     * Reads a request body without its chunk framing into out, at most limit bytes; false when it is longer (the
     * rest is left unread).
     */
    static boolean decodeBody(In in, Framing framing, OutputStream out, long limit) throws IOException {
        Budget budget = new Budget(out, limit);
        switch (framing.kind) {
            case NONE:
                return true;
            case LENGTH:
                return framing.length <= limit && copyExactly(in, framing.length, budget);
            case CHUNKED:
                while (true) {
                    long size = chunkSize(in.readLine());
                    if (size == 0) {
                        while (!isBlank(in.readLine())) {
                            // trailers are dropped
                        }
                        return true;
                    }
                    if (!copyExactly(in, size, budget)) {
                        return false;
                    }
                    if (!isBlank(in.readLine())) {
                        throw new IOException("bad chunked body: no CRLF after a chunk");
                    }
                }
            default:
                throw new IllegalStateException(framing.kind.toString());
        }
    }

    private static boolean copyExactly(In in, long length, Budget budget) throws IOException {
        byte[] buf = new byte[16384];
        long left = length;
        while (left > 0) {
            if (budget.exhausted()) {
                return false;
            }
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException("connection closed " + left + " bytes before the end of a body");
            }
            left -= n;
            if (!budget.put(buf, 0, n)) {
                return false;
            }
        }
        return true;
    }

    private static long chunkSize(byte[] line) throws IOException {
        String s = new String(line, StandardCharsets.ISO_8859_1).trim();
        int semi = s.indexOf(';');
        if (semi >= 0) {
            s = s.substring(0, semi).trim();
        }
        try {
            long size = Long.parseLong(s, 16);
            if (size < 0) {
                throw new NumberFormatException();
            }
            return size;
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size line: " + s);
        }
    }

    private static boolean isBlank(byte[] line) {
        return line.length == 2 && line[0] == '\r' || line.length == 1;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 202 -> "Accepted";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 412 -> "Precondition Failed";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
        };
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Writes at most limit bytes, then refuses. */
    private static final class Budget {
        private final OutputStream out;
        private long left;

        Budget(OutputStream out, long limit) {
            this.out = out;
            this.left = limit;
        }

        boolean exhausted() {
            return left == 0;
        }

        /** Writes what the budget allows; true if that was everything. */
        boolean put(byte[] b, int off, int len) throws IOException {
            int n = (int) Math.min(len, left);
            if (out != null && n > 0) {
                out.write(b, off, n);
            }
            left -= n;
            return n == len;
        }
    }

    /** How a message body is delimited. */
    static final class Framing {
        enum Kind { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

        final Kind kind;
        final long length;

        private Framing(Kind kind, long length) {
            this.kind = kind;
            this.length = length;
        }

        boolean hasBody() {
            return kind != Kind.NONE && !(kind == Kind.LENGTH && length == 0);
        }

        static Framing ofRequest(Head head) throws IOException {
            String te = head.header("Transfer-Encoding");
            if (te != null) {
                if (!head.hasToken("Transfer-Encoding", "chunked")) {
                    throw new IOException("request with Transfer-Encoding " + te + " and no chunked");
                }
                return new Framing(Kind.CHUNKED, -1);
            }
            return contentLength(head, Kind.NONE);
        }

        static Framing ofResponse(Head response, String requestMethod) throws IOException {
            int s = response.status;
            if (requestMethod.equals("HEAD") || s < 200 || s == 204 || s == 304) {
                return new Framing(Kind.NONE, 0);
            }
            if (response.header("Transfer-Encoding") != null) {
                return response.hasToken("Transfer-Encoding", "chunked") ? new Framing(Kind.CHUNKED, -1)
                        : new Framing(Kind.UNTIL_CLOSE, -1);
            }
            return contentLength(response, Kind.UNTIL_CLOSE);
        }

        private static Framing contentLength(Head head, Kind otherwise) throws IOException {
            String cl = head.header("Content-Length");
            if (cl == null) {
                return new Framing(otherwise, -1);
            }
            try {
                long n = Long.parseLong(cl.trim());
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return new Framing(Kind.LENGTH, n);
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length: " + cl);
            }
        }
    }

    /** A request or response head: the bytes as received, and what was parsed from them. */
    static final class Head implements ProxyEmulation.Response {
        final byte[] raw;
        final String method; // requests
        final String target;
        final int status; // responses
        final String version;
        private final List<String[]> headers;

        private Head(byte[] raw, String method, String target, int status, String version, List<String[]> headers) {
            this.raw = raw;
            this.method = method;
            this.target = target;
            this.status = status;
            this.version = version;
            this.headers = headers;
        }

        /** Reads a head; null if the connection ends before its first byte. */
        static Head read(In in, boolean request) throws IOException {
            ByteArrayOutputStream raw = new ByteArrayOutputStream(512);
            byte[] line = in.readLineOrNull();
            while (line != null && isBlank(line)) { // tolerated before a request line
                raw.write(line, 0, line.length);
                line = in.readLineOrNull();
            }
            if (line == null) {
                if (raw.size() > 0) {
                    throw new EOFException("connection closed inside a message head");
                }
                return null;
            }
            raw.write(line, 0, line.length);
            String start = text(line);
            List<String[]> headers = new ArrayList<>();
            while (true) {
                line = in.readLine();
                raw.write(line, 0, line.length);
                if (raw.size() > MAX_HEAD) {
                    throw new IOException("message head larger than " + MAX_HEAD + " bytes");
                }
                if (isBlank(line)) {
                    break;
                }
                String h = text(line);
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("bad header line: " + h);
                }
                headers.add(new String[] {h.substring(0, colon).trim(), h.substring(colon + 1).trim()});
            }
            String[] parts = start.split(" ", 3);
            if (request) {
                if (parts.length != 3 || !parts[2].startsWith("HTTP/")) {
                    throw new IOException("bad request line: " + start);
                }
                return new Head(raw.toByteArray(), parts[0], parts[1], 0, parts[2], headers);
            }
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("bad status line: " + start);
            }
            try {
                return new Head(raw.toByteArray(), null, null, Integer.parseInt(parts[1]), parts[0], headers);
            } catch (NumberFormatException e) {
                throw new IOException("bad status line: " + start);
            }
        }

        private static String text(byte[] line) {
            int end = line.length;
            while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r')) {
                end--;
            }
            return new String(line, 0, end, StandardCharsets.ISO_8859_1);
        }

        @Override
        public int status() {
            return status;
        }

        /** The same head with more header lines at its end. */
        Head withHeaders(List<String[]> more) {
            // The head ends with an empty line, CRLF or a lone LF: the new lines go before it.
            int blank = raw.length >= 2 && raw[raw.length - 2] == '\r' ? 2 : 1;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length + 64 * more.size());
            bytes.write(raw, 0, raw.length - blank);
            List<String[]> all = new ArrayList<>(headers);
            for (String[] h : more) {
                bytes.writeBytes((h[0] + ": " + h[1] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                all.add(h);
            }
            bytes.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return new Head(bytes.toByteArray(), method, target, status, version, all);
        }

        @Override
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /** Whether a comma-separated header (all its occurrences) has the token, case-insensitively. */
        boolean hasToken(String name, String token) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    for (String t : h[1].split(",")) {
                        if (t.trim().equalsIgnoreCase(token)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        boolean wantsClose() {
            return hasToken("Connection", "close")
                    || (version.equals("HTTP/1.0") && !hasToken("Connection", "keep-alive"));
        }

        Map<String, List<String>> headerMap() {
            Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String[] h : headers) {
                map.computeIfAbsent(h[0].toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h[1]);
            }
            map.replaceAll((k, v) -> List.copyOf(v));
            return Collections.unmodifiableMap(map);
        }
    }

    /** A buffered input that reads lines and blocks of bytes. */
    static final class In {
        private final InputStream in;
        private final byte[] buf = new byte[65536];
        private int pos;
        private int lim;

        In(InputStream in) {
            this.in = in;
        }

        int buffered() {
            return lim - pos;
        }

        /** Reads into an empty buffer; the count, or -1 at the end. */
        private int fill() throws IOException {
            pos = 0;
            lim = 0;
            int n = in.read(buf, 0, buf.length);
            if (n > 0) {
                lim = n;
            }
            return n;
        }

        /**
         * With nothing buffered, waits up to millis for bytes on socket s (the one this reads): 1 when some arrived,
         * 0 on timeout, -1 at the end of the stream.
         */
        int poll(Socket s, int millis) throws IOException {
            if (buffered() > 0) {
                return 1;
            }
            int before = s.getSoTimeout();
            s.setSoTimeout(millis);
            try {
                return fill() < 0 ? -1 : 1;
            } catch (SocketTimeoutException e) {
                return 0;
            } finally {
                s.setSoTimeout(before);
            }
        }

        int read(byte[] b, int off, int len) throws IOException {
            if (buffered() == 0 && fill() < 0) {
                return -1;
            }
            int n = Math.min(len, buffered());
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        /** A line with its line end; EOFException at the end of the stream. */
        byte[] readLine() throws IOException {
            byte[] line = readLineOrNull();
            if (line == null) {
                throw new EOFException("connection closed");
            }
            return line;
        }

        /** A line with its line end; null if the stream ends before its first byte. */
        byte[] readLineOrNull() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            while (true) {
                if (buffered() == 0 && fill() < 0) {
                    if (line.size() == 0) {
                        return null;
                    }
                    throw new EOFException("connection closed inside a line");
                }
                int start = pos;
                while (pos < lim && buf[pos] != '\n') {
                    pos++;
                }
                if (pos < lim) {
                    pos++;
                    line.write(buf, start, pos - start);
                    return line.toByteArray();
                }
                line.write(buf, start, pos - start);
                if (line.size() > MAX_HEAD) {
                    throw new IOException("line longer than " + MAX_HEAD + " bytes");
                }
            }
        }
    }

    /** An IOException on the upstream connection (as opposed to the client's). */
    static final class UpstreamException extends IOException {
        UpstreamException(String message) {
            super(message);
        }
    }

    private static final class UpstreamInput extends FilterInputStream {
        UpstreamInput(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw new UpstreamException(e.toString());
            }
        }
    }

    private static final class UpstreamOutput extends FilterOutputStream {
        UpstreamOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new UpstreamException(e.toString());
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UpstreamException(e.toString());
            }
        }
    }
}
