package btrfss3;

// The one place where JBang learns the runtime libraries: both scripts pull this file in
// with //SOURCES lib/**/*.java. The versions must match pom.xml (DependencyPinsTest checks).
// slf4j-api is pinned because the AWS SDK alone pulls 1.7, which prints a warning on every run
// (cron would mail it); 2.x lets the scripts select its silent no-op provider.
// Conscrypt carries BoringSSL's ChaCha20-Poly1305 for long age streams (see age/BoringSsl).
//DEPS info.picocli:picocli:4.7.7
//DEPS software.amazon.awssdk:bom:2.57.8@pom
//DEPS software.amazon.awssdk:s3
//DEPS software.amazon.awssdk:apache5-client
//DEPS org.slf4j:slf4j-api:2.0.17
//DEPS at.yawk.lz4:lz4-java:1.14.0
//DEPS org.bouncycastle:bcprov-jdk18on:1.87
//DEPS org.bouncycastle:bcpkix-jdk18on:1.87
//DEPS org.conscrypt:conscrypt-openjdk-uber:2.5.2

/** The version this build reports in manifests and {@code --version}. */
public final class Dependencies {
    public static final String TOOL_VERSION = "0.1.0";

    private Dependencies() {}
}
