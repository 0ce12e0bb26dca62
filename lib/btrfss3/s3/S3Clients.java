package btrfss3.s3;

import btrfss3.cli.Failure;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.apache.hc.core5.http.protocol.HttpContext;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** Builds the one S3 client a run uses. */
public final class S3Clients {
    /** Transient failures (5xx, SlowDown, resets, timeouts) are retried this many times with backoff. */
    static final int MAX_ATTEMPTS = 10;

    private S3Clients() {}

    public static S3Client create(S3Settings settings, int connections) {
        URI endpoint = settings.endpoint() != null ? settings.endpoint() : endpointFromEnvironment();
        var http = Apache5HttpClient.builder()
                .maxConnections(Math.max(4, connections))
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(settings.timeout());
        if (endpoint != null && "http".equalsIgnoreCase(endpoint.getScheme())) {
            // Otherwise the client builds a TLS context it will never use, loading the trust store:
            // 80 ms of every start.
            http.tlsSocketStrategy(S3Clients::noTls);
        }
        var builder = S3Client.builder()
                .httpClientBuilder(http)
                .overrideConfiguration(c -> c.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build()))
                .credentialsProvider(credentials(settings.profile()))
                .region(region(settings, endpoint))
                .forcePathStyle(settings.pathStyle() != null ? settings.pathStyle() : isLocalHost(endpoint));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        if (endpoint != null) {
            // Many S3-compatible stores reject the SDK's newer flexible-checksum headers.
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    // Over plain HTTP the SDK always signs the payload; in aws-chunked encoding it
                    // does so in 128 KiB pieces, each copied into a new array (a GiB of garbage per
                    // GiB uploaded). Unchunked, it hashes each part once from our buffer, and the
                    // store sees a plain body. Over HTTPS neither is used.
                    .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build());
        }
        return builder.build();
    }

    /** A plain-HTTP endpoint is never upgraded to TLS; if it ever were, the request fails rather than go out unchecked. */
    private static SSLSocket noTls(Socket socket, String target, int port, Object attachment, HttpContext context)
            throws IOException {
        throw new SSLException("the endpoint is plain HTTP: no TLS connection to " + target + ":" + port + " was expected");
    }

    private static AwsCredentialsProvider credentials(String profile) {
        return profile == null ? DefaultCredentialsProvider.builder().build() : ProfileCredentialsProvider.create(profile);
    }

    private static Region region(S3Settings settings, URI endpoint) {
        if (settings.region() != null) {
            return Region.of(settings.region());
        }
        try {
            var chain = DefaultAwsRegionProviderChain.builder();
            if (settings.profile() != null) {
                chain.profileName(settings.profile());
            }
            return chain.build().getRegion();
        } catch (RuntimeException e) {
            if (endpoint != null) {
                return Region.US_EAST_1; // S3-compatible stores mostly ignore the region but the signature needs one
            }
            throw Failure.usage("no AWS region configured: give --region, or set AWS_REGION");
        }
    }

    private static URI endpointFromEnvironment() {
        for (String name : new String[] {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
            String value = System.getenv(name);
            if (value != null && !value.isBlank()) {
                return URI.create(value.trim());
            }
        }
        return null;
    }

    /** Virtual-host addressing cannot work for an IP address or localhost, so path style is the default there. */
    static boolean isLocalHost(URI endpoint) {
        if (endpoint == null || endpoint.getHost() == null) {
            return false;
        }
        String host = endpoint.getHost();
        if (host.equalsIgnoreCase("localhost") || host.startsWith("[")) {
            return true;
        }
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
