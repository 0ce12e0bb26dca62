package btrfss3.cli;

import btrfss3.s3.S3Settings;
import java.net.URI;
import picocli.CommandLine.Option;

/** The S3 connection options both scripts take, named as the AWS CLI names them. */
public final class S3Options {
    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "S3-compatible endpoint (MinIO, Ceph, a local server). Default: AWS, or AWS_ENDPOINT_URL.")
    URI endpoint;

    @Option(names = "--region", paramLabel = "REGION", description = "AWS region. Default: the SDK's chain (AWS_REGION, profile).")
    String region;

    @Option(names = "--profile", paramLabel = "NAME", description = "Named profile from ~/.aws/config and ~/.aws/credentials.")
    String profile;

    @Option(names = "--path-style", negatable = true, description = {
        "Path-style addressing (bucket in the path, not the host name).",
        "Default: on when the endpoint host is an IP address or localhost."})
    Boolean pathStyle;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "A request that receives nothing for this long is retried (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--no-if-none-match", description = {
        "Do not send If-None-Match: * on uploads. Only for stores that reject the header;",
        "without it a write can replace an existing object."})
    boolean noIfNoneMatch;

    public S3Settings settings() {
        if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null)) {
            throw Failure.usage("invalid --endpoint-url '" + endpoint + "': expected e.g. https://s3.example.com");
        }
        if (timeoutSeconds < 1) {
            throw Failure.usage("--timeout must be at least 1 second");
        }
        return new S3Settings(endpoint, region, profile, pathStyle, !noIfNoneMatch, java.time.Duration.ofSeconds(timeoutSeconds));
    }
}
