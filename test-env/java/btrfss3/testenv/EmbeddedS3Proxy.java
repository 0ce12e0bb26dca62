package btrfss3.testenv;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * S3Proxy 4.1.0 inside this JVM, serving real HTTP on 127.0.0.1 (path-style, AWS signature V4 checked).
 *
 * <p>Backend: the in-memory store when no folder is given, else the file-system store in that folder (made
 * absolute: S3Proxy's file-system store breaks multipart completion with a relative folder). The credentials are
 * fixed (see the constants) and map to {@link S3Access.Policy policies}: {@link #admin()} everything,
 * {@link #backupOnly()} PutObject and multipart upload alone, {@link #appendOnly()} those plus Get/Head,
 * {@link #readOnly()} List/Get/Head alone; refused operations answer 403 AccessDenied. The storage class given to
 * CreateMultipartUpload is kept (S3Proxy itself drops it). {@code If-None-Match: *} on PutObject and
 * CompleteMultipartUpload of an existing key answers 412 PreconditionFailed (S3Proxy does that natively for these
 * backends).
 */
public final class EmbeddedS3Proxy implements S3Endpoint {
    public static final String REGION = "us-east-1";
    public static final AwsBasicCredentials ADMIN =
            AwsBasicCredentials.create("btrfss3-admin", "btrfss3-admin-secret-key");
    public static final AwsBasicCredentials BACKUP_ONLY =
            AwsBasicCredentials.create("btrfss3-backup", "btrfss3-backup-secret-key");
    public static final AwsBasicCredentials READ_ONLY =
            AwsBasicCredentials.create("btrfss3-readonly", "btrfss3-readonly-secret-key");
    public static final AwsBasicCredentials APPEND_ONLY =
            AwsBasicCredentials.create("btrfss3-append", "btrfss3-append-secret-key");

    private final S3Proxy proxy;
    private final URI endpoint;
    private final BlobStore store;
    private final Path baseDir;

    private EmbeddedS3Proxy(S3Proxy proxy, URI endpoint, BlobStore store, Path baseDir) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.store = store;
        this.baseDir = baseDir;
    }

    /**
     * Starts a server. filesystemBaseDirOrNull: folder of the file-system backend (created if missing), or null for
     * the in-memory backend. portOr0: TCP port on 127.0.0.1, 0 for a free one.
     */
    public static EmbeddedS3Proxy start(Path filesystemBaseDirOrNull, int portOr0) {
        HarnessLogging.init();
        Path base = null;
        BlobStore raw;
        try {
            if (filesystemBaseDirOrNull == null) {
                raw = new TransientNio2BlobStore();
            } else {
                base = filesystemBaseDirOrNull.toAbsolutePath().normalize();
                Files.createDirectories(base);
                raw = new FilesystemNio2BlobStore(base.toString());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the S3Proxy folder " + filesystemBaseDirOrNull, e);
        }
        BlobStore store = new S3Access.KeepMultipartAttributes(raw);
        Map<String, AccessGrant> grants = Map.of(
                ADMIN.accessKeyId(), new AccessGrant(ADMIN.secretAccessKey(), store),
                BACKUP_ONLY.accessKeyId(), new AccessGrant(BACKUP_ONLY.secretAccessKey(),
                        new S3Access.Restricted(store, S3Access.Policy.BACKUP_ONLY)),
                APPEND_ONLY.accessKeyId(), new AccessGrant(APPEND_ONLY.secretAccessKey(),
                        new S3Access.Restricted(store, S3Access.Policy.APPEND_ONLY)),
                READ_ONLY.accessKeyId(), new AccessGrant(READ_ONLY.secretAccessKey(),
                        new S3Access.Restricted(store, S3Access.Policy.READ_ONLY)));
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + portOr0))
                .awsAuthentication(AuthenticationType.AWS_V4, ADMIN.accessKeyId(), ADMIN.secretAccessKey())
                .build();
        // Unknown access keys get null: S3Proxy answers 403 InvalidAccessKeyId.
        proxy.setBlobStoreLocator((identity, container, blob) -> identity == null ? null : grants.get(identity));
        try {
            proxy.start();
        } catch (Exception e) {
            try {
                proxy.stop();
            } catch (Exception ignored) {
                // not started
            }
            throw new IllegalStateException("cannot start S3Proxy on 127.0.0.1:" + portOr0 + ": " + e, e);
        }
        // start() returns once Jetty listens; getPort() is the bound port (also for port 0).
        return new EmbeddedS3Proxy(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()), store, base);
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.getPort();
    }

    /** The file-system backend's folder, or null for the in-memory backend. */
    public Path baseDir() {
        return baseDir;
    }

    @Override
    public String region() {
        return REGION;
    }

    @Override
    public AwsBasicCredentials admin() {
        return ADMIN;
    }

    @Override
    public AwsBasicCredentials backupOnly() {
        return BACKUP_ONLY;
    }

    @Override
    public AwsBasicCredentials readOnly() {
        return READ_ONLY;
    }

    @Override
    public AwsBasicCredentials appendOnly() {
        return APPEND_ONLY;
    }

    /** Stops the server. Never throws. */
    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            System.err.println("btrfss3 harness: stopping S3Proxy failed: " + e);
        }
        try {
            store.close();
        } catch (Exception ignored) {
            // nothing left to release
        }
    }

    @Override
    public String toString() {
        return "EmbeddedS3Proxy[" + endpoint + (baseDir == null ? ", in memory" : ", " + baseDir) + "]";
    }
}
