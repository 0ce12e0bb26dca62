package btrfss3.testenv;

import btrfss3.testenv.FaultProxy.Request;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Behaviour of a real S3 that the test server lacks, played by a {@link FaultProxy} on top of its forwarding (see
 * {@link GlacierFront}): some requests are answered by the proxy itself, and the server's answers to others are
 * adjusted. It sees only the requests that no fault rule takes (or that a rule passes on): faults come first.
 * Called from the connection threads, concurrently.
 */
interface ProxyEmulation {
    /** Whether the proxy answers this request itself; its body is then read whole and given to {@link #answer}. */
    boolean answers(Request request);

    /** The answer to a request {@link #answers} took; body is the request body, de-chunked (empty if none). */
    Reply answer(Request request, byte[] body);

    /** Looks at the server's answer to a forwarded request before the client gets it. */
    Review review(Request request, Response response);

    /** What the server answered: the status and headers of its response head. */
    interface Response {
        int status();

        /** The first value of the header (case-insensitive name), or null. */
        String header(String name);
    }

    /** An answer the proxy gives in place of the server: a status, an S3 XML error or no body, extra headers. */
    final class Reply {
        final int status;
        /** Null for an answer without a body. */
        final String errorCode;
        final String message;
        /** More elements of the {@code <Error>} document after Code and Message, e.g. StorageClass. */
        final Map<String, String> details;
        final List<String[]> headers;

        private Reply(int status, String errorCode, String message, Map<String, String> details,
                List<String[]> headers) {
            if (status < 200 || status > 599) {
                throw new IllegalArgumentException("status " + status);
            }
            this.status = status;
            this.errorCode = errorCode;
            this.message = message;
            this.details = details;
            this.headers = headers;
        }

        /** An answer with no body, e.g. 202 Accepted. */
        static Reply empty(int status) {
            return new Reply(status, null, null, Map.of(), List.of());
        }

        /** An S3 XML error, e.g. (403, "InvalidObjectState", "The operation is not valid ..."). */
        static Reply s3Error(int status, String code, String message) {
            return new Reply(status, Objects.requireNonNull(code), Objects.requireNonNull(message), Map.of(),
                    List.of());
        }

        /** The same with one more element in the error document. */
        Reply detail(String element, String value) {
            Map<String, String> more = new LinkedHashMap<>(details);
            more.put(element, value);
            return new Reply(status, errorCode, message, Collections.unmodifiableMap(more), headers);
        }

        /** The same with one more response header. */
        Reply header(String name, String value) {
            List<String[]> more = new ArrayList<>(headers);
            more.add(new String[] {name, value});
            return new Reply(status, errorCode, message, details, List.copyOf(more));
        }

        @Override
        public String toString() {
            return status + (errorCode != null ? " " + errorCode : "");
        }
    }

    /** What becomes of the server's answer: passed on, passed on with more headers, or replaced (its body dropped). */
    final class Review {
        private static final Review KEEP = new Review(null, List.of());

        final Reply replacement;
        final List<String[]> addedHeaders;

        private Review(Reply replacement, List<String[]> addedHeaders) {
            this.replacement = replacement;
            this.addedHeaders = addedHeaders;
        }

        static Review keep() {
            return KEEP;
        }

        static Review addHeader(String name, String value) {
            return new Review(null, List.<String[]>of(new String[] {name, value}));
        }

        static Review replace(Reply reply) {
            return new Review(Objects.requireNonNull(reply), List.of());
        }
    }
}
