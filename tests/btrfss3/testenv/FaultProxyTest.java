package btrfss3.testenv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import btrfss3.support.ProxiedS3Test;
import btrfss3.testenv.FaultProxy.Action;
import btrfss3.testenv.FaultProxy.Match;
import btrfss3.testenv.FaultProxy.Request;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

@Timeout(120)
class FaultProxyTest extends ProxiedS3Test {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int PART = 5 * 1024 * 1024;

    /** A client through the proxy; the customizer may change timeouts, retries, checksums. */
    private S3Client client(Consumer<Apache5HttpClient.Builder> http, Consumer<S3ClientBuilder> more) {
        Apache5HttpClient.Builder apache = Apache5HttpClient.builder();
        http.accept(apache);
        S3ClientBuilder b = S3Client.builder()
                .endpointOverride(proxy.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(s3.admin()))
                .httpClientBuilder(apache);
        more.accept(b);
        S3Client c = b.build();
        clients.add(c);
        return c;
    }

    private S3Client client() {
        return client(h -> {}, b -> {});
    }

    private S3Client clientWithoutRetries(Consumer<Apache5HttpClient.Builder> http) {
        return client(http, b -> b.overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())));
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String key(String name) {
        return "fp/" + name + "-" + Long.toHexString(new Random().nextLong());
    }

    private static boolean exists(String key) {
        try {
            direct.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private List<Request> requestsFor(String key) {
        return proxy.requests().stream().filter(r -> r.path().endsWith("/" + key)).toList();
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest
    @EnumSource(RequestChecksumCalculation.class)
    void passesPutGetListAndMultipartThroughWithValidSignatures(RequestChecksumCalculation checksums) throws Exception {
        S3Client s = client(h -> {}, b -> b.requestChecksumCalculation(checksums));
        String small = key("small");
        byte[] data = bytes(100_000, 1);
        s.putObject(b -> b.bucket(bucket).key(small), RequestBody.fromBytes(data));
        assertArrayEquals(data, s.getObjectAsBytes(b -> b.bucket(bucket).key(small)).asByteArray());
        assertEquals(data.length, s.headObject(b -> b.bucket(bucket).key(small)).contentLength());
        List<String> listed = s.listObjectsV2(b -> b.bucket(bucket).prefix(small)).contents().stream()
                .map(S3Object::key).toList();
        assertEquals(List.of(small), listed);

        String big = key("multipart");
        byte[] whole = bytes(PART + 12345, 2);
        String id = s.createMultipartUpload(b -> b.bucket(bucket).key(big)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int off = 0, n = 1; off < whole.length; off += PART, n++) {
            int partNo = n;
            byte[] chunk = Arrays.copyOfRange(whole, off, Math.min(whole.length, off + PART));
            String etag = s.uploadPart(b -> b.bucket(bucket).key(big).uploadId(id).partNumber(partNo)
                    .contentLength((long) chunk.length), RequestBody.fromContentProvider(
                            () -> new ByteArrayInputStream(chunk), chunk.length, "application/octet-stream")).eTag();
            parts.add(CompletedPart.builder().partNumber(partNo).eTag(etag).build());
        }
        s.completeMultipartUpload(b -> b.bucket(bucket).key(big).uploadId(id).multipartUpload(m -> m.parts(parts)));
        assertArrayEquals(whole, direct.getObjectAsBytes(b -> b.bucket(bucket).key(big)).asByteArray());
        s.deleteObject(b -> b.bucket(bucket).key(small));
        assertFalse(exists(small));

        List<Request> seen = proxy.requests();
        assertEquals(9, seen.size(), seen::toString);
        for (Request r : seen) {
            assertTrue(r.status() >= 200 && r.status() < 300, r::toString);
            assertEquals("forward", r.outcome(), r::toString);
            assertEquals("127.0.0.1:" + proxy.port(), r.header("Host"), "Host reaches the server unchanged");
        }
        assertTrue(seen.stream().mapToInt(Request::connection).distinct().count() < seen.size(),
                () -> "connections are kept alive: " + seen);
        Request part = seen.stream().filter(r -> r.target().contains("partNumber=1")).findFirst().orElseThrow();
        // What the SDK sends for uploads: an aws-chunked payload inside a Content-Length body, after 100 Continue.
        assertEquals(String.valueOf(PART), part.header("x-amz-decoded-content-length"), part.headers()::toString);
        assertEquals(null, part.header("Transfer-Encoding"), part.headers()::toString);
        assertEquals("100-continue", part.header("Expect"), part.headers()::toString);
    }

    @Test
    void slowDownOnceIsRetriedByTheSdk() {
        String key = key("slowdown");
        FaultRule rule = proxy.when(Match.request("PUT", ".*/" + key)).then(Action.respond(503, "SlowDown")).times(1);
        byte[] data = bytes(10_000, 3);
        client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
        assertEquals(1, rule.hits());
        assertArrayEquals(data, direct.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        List<Request> seen = requestsFor(key);
        assertEquals(List.of(503, 200), seen.stream().map(Request::status).toList(), seen::toString);
    }

    @Test
    void persistentInternalErrorFailsTheCall() {
        String key = key("internal");
        FaultRule rule = proxy.when(Match.request("PUT", ".*/" + key)).then(Action.respond(500, "InternalError"));
        S3Exception e = assertThrows(S3Exception.class,
                () -> client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes(1000, 4))));
        assertEquals(500, e.statusCode());
        assertEquals("InternalError", e.awsErrorDetails().errorCode());
        assertTrue(rule.hits() >= 2, () -> "the SDK retried: " + rule);
        assertFalse(exists(key));
    }

    @Test
    void errorOnOnePartOfAMultipartUploadIsRetried() {
        String key = key("part");
        FaultRule rule = proxy.when(Match.request("PUT", ".*/" + key + "\\?.*partNumber=2.*"))
                .then(Action.respond(500, "InternalError")).times(2);
        S3Client s = client();
        byte[] whole = bytes(PART + 1000, 5);
        String id = s.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        String e1 = s.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(1),
                RequestBody.fromBytes(Arrays.copyOf(whole, PART))).eTag();
        assertEquals(0, rule.hits());
        String e2 = s.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(2),
                RequestBody.fromBytes(Arrays.copyOfRange(whole, PART, whole.length))).eTag();
        assertEquals(2, rule.hits());
        s.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(e1).build(),
                CompletedPart.builder().partNumber(2).eTag(e2).build())));
        assertArrayEquals(whole, direct.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    }

    @Test
    void resetMidResponseBreaksReadingTheBody() throws Exception {
        String key = key("reset-get");
        byte[] data = bytes(1_000_000, 6);
        direct.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
        FaultRule rule = proxy.when(Match.request("GET", ".*/" + key)).then(Action.resetMidResponse(10_000));
        S3Client s = client();
        int read = 0;
        try (ResponseInputStream<GetObjectResponse> in = s.getObject(b -> b.bucket(bucket).key(key))) {
            assertEquals(data.length, in.response().contentLength());
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    assertEquals(data[read + i], buf[i]);
                }
                read += n;
            }
            fail("read " + read + " bytes without an error");
        } catch (IOException | SdkClientException e) {
            assertEquals(10_000, read, "bytes that arrived before the reset");
        }
        assertEquals(1, rule.hits());
        assertEquals(-1, requestsFor(key).get(0).status());

        // Read whole by the SDK (which retries), the object arrives once the rule is used up.
        rule.times(2);
        assertArrayEquals(data, s.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        assertEquals(2, rule.hits());
    }

    @Test
    void resetAfterPartOfTheRequestBodyStoresNothing() {
        String key = key("reset-put");
        FaultRule rule = proxy.when(Match.request("PUT", ".*/" + key)).then(Action.resetAfterRequestBody(1000));
        byte[] data = bytes(200_000, 7);
        SdkClientException e = assertThrows(SdkClientException.class,
                () -> client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data)));
        assertTrue(rule.hits() >= 2, () -> "the SDK retried: " + rule + " " + e);
        assertFalse(exists(key));

        rule.release();
        client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
        assertArrayEquals(data, direct.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    }

    @Test
    void resetAfterTheWholeRequestLosesOnlyTheResponse() {
        String key = key("lost-response");
        FaultRule rule = proxy.when(Match.request("PUT", ".*/" + key))
                .then(Action.resetAfterRequestBody(Long.MAX_VALUE)).times(1);
        byte[] data = bytes(50_000, 8);
        // The first attempt is stored but its answer lost; the retry then finds the key taken.
        S3Exception e = assertThrows(S3Exception.class, () -> client().putObject(
                b -> b.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromBytes(data)));
        assertEquals(412, e.statusCode());
        assertEquals(1, rule.hits());
        assertArrayEquals(data, direct.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        assertEquals(List.of(-1, 412), requestsFor(key).stream().map(Request::status).toList());
    }

    @Test
    void stallBeyondTheSocketTimeoutTimesOut() {
        String key = key("stall-get");
        direct.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes(100, 9)));
        FaultRule rule = proxy.when(Match.request("GET", ".*/" + key)).then(Action.stall());
        S3Client s = clientWithoutRetries(h -> h.socketTimeout(Duration.ofSeconds(2)));
        long start = System.nanoTime();
        SdkClientException e = assertThrows(SdkClientException.class,
                () -> s.getObjectAsBytes(b -> b.bucket(bucket).key(key)));
        assertTrue(causedBy(e, SocketTimeoutException.class), () -> "a read timeout: " + e);
        assertTrue(System.nanoTime() - start >= Duration.ofSeconds(2).toNanos());
        assertEquals(1, rule.awaitHit(WAIT));
    }

    @Test
    void releaseLetsAStalledUploadGoOn() throws Exception {
        String key = key("stall-put");
        FaultRule rule = proxy.when(Match.request("PUT", ".*/" + key)).then(Action.stall());
        byte[] data = bytes(300_000, 10);
        S3Client s = client();
        CompletableFuture<?> put = CompletableFuture.runAsync(
                () -> s.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data)));
        assertEquals(1, rule.awaitHit(WAIT));
        assertFalse(put.isDone());
        assertFalse(exists(key), "held back from the server");
        proxy.release(rule);
        put.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, rule.hits());
        assertArrayEquals(data, direct.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        Request r = requestsFor(key).get(0);
        assertEquals(200, r.status());
        assertEquals("stall, released", r.outcome());
    }

    @Test
    void closeEndsAStalledRequest() throws Exception {
        String key = key("stall-close");
        FaultRule rule = proxy.when(Match.request("HEAD", ".*/" + key)).then(Action.stall());
        S3Client s = clientWithoutRetries(h -> h.socketTimeout(Duration.ofSeconds(120)));
        CompletableFuture<?> head = CompletableFuture.runAsync(() -> s.headObject(b -> b.bucket(bucket).key(key)));
        rule.awaitHit(WAIT);
        proxy.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> head.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof SdkClientException, e::toString);
        assertEquals(-1, proxy.requests().get(0).status());
    }

    /** A plain HTTP server: echoes the request body (chunked) and tells how the request body came. */
    private static HttpServer echoServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            byte[] body = x.getRequestBody().readAllBytes();
            String te = x.getRequestHeaders().getFirst("Transfer-Encoding");
            x.getResponseHeaders().add("X-Request-Framing", te != null ? te : "length");
            x.sendResponseHeaders(200, 0); // chunked
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    @Test
    void chunkedBodiesAndContinueGoThroughBothWays() throws Exception {
        HttpServer server = echoServer();
        try (FaultProxy p = FaultProxy.start(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            byte[] data = bytes(300_000, 11);
            for (boolean expect : new boolean[] {false, true}) {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(p.endpoint().resolve("/echo"))
                        .expectContinue(expect)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data)))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode());
                assertEquals("chunked", r.headers().firstValue("X-Request-Framing").orElse(null));
                assertEquals("chunked", r.headers().firstValue("Transfer-Encoding").orElse(null));
                assertArrayEquals(data, r.body());
            }
            assertEquals(1, p.requests().stream().mapToInt(Request::connection).distinct().count(),
                    () -> "one kept-alive connection: " + p.requests());

            FaultRule rule = p.when(Match.path("/echo")).then(Action.resetMidResponse(1000)).times(1);
            assertThrows(IOException.class, () -> http.send(HttpRequest.newBuilder(p.endpoint().resolve("/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
            assertEquals(1, rule.hits());
        } finally {
            server.stop(0);
        }
    }

    /** Reads one response (Content-Length framed) from a raw connection: status line, headers, body. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("after " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        boolean chunked = false;
        for (String line : head.toString().split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
            chunked |= lower.equals("transfer-encoding: chunked");
        }
        if (!chunked) {
            return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
        StringBuilder body = new StringBuilder();
        for (int size = -1; size != 0; ) {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new EOFException("in a chunked body");
                }
                line.append((char) b);
            }
            size = Integer.parseInt(line.toString().trim(), 16);
            body.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
            in.readNBytes(2);
        }
        return head + body.toString();
    }

    @Test
    void releasedRequestWhoseBodyCameDuringTheStallIsReplayed() throws Exception {
        HttpServer server = echoServer();
        try (FaultProxy p = FaultProxy.start(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
                Socket c = new Socket(InetAddress.getLoopbackAddress(), p.port())) {
            FaultRule rule = p.when(Match.path("/held")).then(Action.stall()).times(1);
            c.setSoTimeout(20_000);
            // A client that sends its body without waiting for 100 Continue.
            c.getOutputStream().write(("POST /held HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 5\r\n\r\nhello").getBytes(StandardCharsets.ISO_8859_1));
            rule.awaitHit(WAIT);
            rule.release();
            String response = readResponse(c.getInputStream());
            if (response.startsWith("HTTP/1.1 100 ")) { // released before the proxy had read the body
                response = readResponse(c.getInputStream());
            }
            assertTrue(response.startsWith("HTTP/1.1 200 "), response);
            assertTrue(response.endsWith("\r\n\r\nhello"), response);
            assertEquals("stall, released", p.requests().get(0).outcome());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void injectedErrorKeepsTheConnectionUnlessTheClientWaitsForContinue() throws Exception {
        HttpServer server = echoServer();
        try (FaultProxy p = FaultProxy.start(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))) {
            FaultRule rule = p.when(Match.method("POST").and(Match.header("X-Fail", "yes"::equals)))
                    .then(Action.respond(503, "SlowDown"));
            String post = "POST /x%20y HTTP/1.1\r\nHost: example\r\nContent-Length: 5\r\n";
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), p.port())) {
                c.setSoTimeout(20_000);
                OutputStream out = c.getOutputStream();
                InputStream in = c.getInputStream();
                // Without Expect the body is read and dropped, and the connection stays usable.
                out.write((post + "X-Fail: yes\r\n\r\nhello").getBytes(StandardCharsets.ISO_8859_1));
                String failed = readResponse(in);
                assertTrue(failed.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), failed);
                assertTrue(failed.contains("<Code>SlowDown</Code>"), failed);
                assertTrue(failed.contains("<Resource>/x%20y</Resource>"), failed);
                assertFalse(failed.contains("Connection: close"), failed);
                out.write((post + "\r\nhello").getBytes(StandardCharsets.ISO_8859_1));
                String ok = readResponse(in);
                assertTrue(ok.startsWith("HTTP/1.1 200 "), ok);
                assertTrue(ok.endsWith("\r\n\r\nhello"), ok);
            }
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), p.port())) {
                c.setSoTimeout(20_000);
                // Waiting for 100 Continue: answered at once, no body wanted, then the connection ends.
                c.getOutputStream().write((post + "X-Fail: yes\r\nExpect: 100-continue\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                String failed = readResponse(c.getInputStream());
                assertTrue(failed.startsWith("HTTP/1.1 503 "), failed);
                assertTrue(failed.contains("Connection: close\r\n"), failed);
                assertEquals(-1, c.getInputStream().read());
            }
            assertEquals(2, rule.hits());
            List<Request> seen = p.requests();
            assertEquals(List.of(503, 200, 503), seen.stream().map(Request::status).toList(), seen::toString);
            assertEquals(seen.get(0).connection(), seen.get(1).connection());
            assertEquals("/x y", seen.get(0).decodedTarget());
            assertTrue(Match.path("/x y").test(seen.get(0)));
            assertTrue(Match.path("/x%20y").test(seen.get(0)));
            assertEquals("yes", seen.get(0).header("x-fail"));
        } finally {
            server.stop(0);
        }
    }
}
