package btrfss3.testenv;

import java.net.URI;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * S3 of LocalStack in a Docker container (Testcontainers). Needs a Docker engine: use it from tests annotated
 * {@code @Testcontainers(disabledWithoutDocker = true)}, or check {@link #dockerAvailable()} first. The image is
 * {@value #DEFAULT_IMAGE} unless BTRFSS3_TEST_LOCALSTACK_IMAGE names another. LocalStack (community) does not
 * enforce IAM policies, so there are no backup-only or read-only credentials (null).
 */
public final class LocalStackS3Endpoint implements S3Endpoint {
    public static final String DEFAULT_IMAGE = "localstack/localstack:3.8.1";
    public static final String IMAGE_ENV = "BTRFSS3_TEST_LOCALSTACK_IMAGE";

    private final LocalStackContainer container;
    private final URI endpoint;
    private final AwsBasicCredentials admin;

    private LocalStackS3Endpoint(LocalStackContainer container) {
        this.container = container;
        this.endpoint = container.getEndpoint();
        this.admin = AwsBasicCredentials.create(container.getAccessKey(), container.getSecretKey());
    }

    /** True when Testcontainers finds a usable Docker engine. */
    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Starts a LocalStack container with S3 (pulls the image if needed) and waits until it is ready. */
    public static LocalStackS3Endpoint start() {
        HarnessLogging.init();
        String image = System.getenv(IMAGE_ENV);
        DockerImageName name = DockerImageName.parse(image == null || image.isBlank() ? DEFAULT_IMAGE : image.strip())
                .asCompatibleSubstituteFor("localstack/localstack");
        LocalStackContainer c = new LocalStackContainer(name).withServices(LocalStackContainer.Service.S3);
        c.start();
        return new LocalStackS3Endpoint(c);
    }

    @Override public URI endpoint() { return endpoint; }
    @Override public String region() { return container.getRegion(); }
    @Override public AwsBasicCredentials admin() { return admin; }
    @Override public AwsBasicCredentials backupOnly() { return null; }
    @Override public AwsBasicCredentials readOnly() { return null; }

    /** Stops and removes the container. Never throws. */
    @Override
    public void close() {
        try {
            container.stop();
        } catch (RuntimeException e) {
            System.err.println("btrfss3 harness: stopping LocalStack failed: " + e);
        }
    }

    @Override
    public String toString() {
        return "LocalStackS3Endpoint[" + endpoint + "]";
    }
}
