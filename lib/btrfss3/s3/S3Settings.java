package btrfss3.s3;

import java.net.URI;

/**
 * How to reach the bucket. Anything left null falls back to the AWS SDK's default chains
 * (environment, profiles, instance roles; AWS_ENDPOINT_URL included).
 */
public record S3Settings(URI endpoint, String region, String profile, Boolean pathStyle, boolean ifNoneMatch,
                         java.time.Duration timeout) {}
