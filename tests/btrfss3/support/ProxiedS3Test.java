package btrfss3.support;

import btrfss3.testenv.EmbeddedS3Proxy;
import btrfss3.testenv.FaultProxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 server and a bucket for the whole class, a direct admin client to arrange objects with,
 * and a fault-injecting proxy in front of the server for each test. Clients a test makes through
 * the proxy go into {@link #clients} and are closed after it.
 */
public abstract class ProxiedS3Test {
    protected static EmbeddedS3Proxy s3;
    protected static S3Client direct;
    protected static String bucket;

    protected FaultProxy proxy;
    protected final List<S3Client> clients = new ArrayList<>();

    @BeforeAll
    static void startS3() {
        s3 = EmbeddedS3Proxy.start(null, 0);
        bucket = s3.createBucket();
        direct = s3.client(s3.admin());
    }

    @AfterAll
    static void stopS3() {
        if (direct != null) {
            direct.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void startProxy() {
        proxy = FaultProxy.start(s3.endpoint());
    }

    @AfterEach
    void stopProxy() {
        clients.forEach(S3Client::close);
        proxy.close();
    }
}
