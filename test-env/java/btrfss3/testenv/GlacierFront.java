package btrfss3.testenv;

import btrfss3.testenv.FaultProxy.Request;
import btrfss3.testenv.ProxyEmulation.Reply;
import btrfss3.testenv.ProxyEmulation.Review;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The test S3 server as AWS S3 treats archived objects: a proxy on 127.0.0.1 (a {@link FaultProxy}, fault rules
 * included) that forwards everything byte for byte, except that objects in GLACIER or DEEP_ARCHIVE must be restored
 * (thawed) before they can be read. The test server keeps the storage class given at upload and reports it; it
 * knows nothing of thawing.
 *
 * <ul>
 *   <li>GetObject of an archived object that is not thawed: 403 InvalidObjectState (learnt from the server's answer,
 *       whose x-amz-storage-class names the class; its body is dropped).</li>
 *   <li>HeadObject: forwarded; once a restore was requested, with {@code x-amz-restore: ongoing-request="true"} while
 *       thawing, {@code ongoing-request="false", expiry-date="..."} once thawed (GetObject then carries it too).</li>
 *   <li>RestoreObject ({@code POST /bucket/key?restore}): answered here, never forwarded, whatever the credentials (no
 *       signature check, so read-only ones do): 202 for a new thaw, 409 RestoreAlreadyInProgress while thawing, 200
 *       once thawed; 403 InvalidObjectState for an object in another class, 404 NoSuchKey, 400 for a bad request or
 *       Expedited on DEEP_ARCHIVE. The object's class is looked up on the server with the admin credentials.</li>
 * </ul>
 *
 * <p>Thaws never complete by themselves: {@link #thawAll()}, {@link #thaw(String, String)}, or
 * {@link #completeThawsAfterHeads(int)} so a polling client sees a thaw end after a known number of HEADs, without
 * any waiting. Path-style requests only. It is an {@link S3Endpoint} (the server's credentials and region, this
 * address), so {@code front.client(front.readOnly())} and {@code new Scripts(front, bucket)} go through it.
 */
public final class GlacierFront implements S3Endpoint {
    /** The classes whose objects must be thawed before a GetObject (GLACIER_IR is read at once). */
    public static final Set<String> ARCHIVE_CLASSES = Set.of("GLACIER", "DEEP_ARCHIVE");

    /** Where an object stands. */
    public enum ThawState { ARCHIVED, THAWING, THAWED }

    /** One RestoreObject request the front received and its answer; tier and days as sent (null / 0 when absent). */
    public record RestoreCall(String bucket, String key, String tier, int days, int status) {}

    private final S3Endpoint upstream;
    private final S3Client lookup;
    private final GlacierThaws thaws;
    private final FaultProxy proxy;

    private GlacierFront(S3Endpoint upstream, S3Client lookup, GlacierThaws thaws, FaultProxy proxy) {
        this.upstream = upstream;
        this.lookup = lookup;
        this.thaws = thaws;
        this.proxy = proxy;
    }

    /** Starts a front on a free port of 127.0.0.1 for the (http://) server; closing the front leaves it running. */
    public static GlacierFront start(S3Endpoint upstream) {
        GlacierThaws thaws = new GlacierThaws();
        S3Client lookup = upstream.client(upstream.admin());
        try {
            FaultProxy proxy = FaultProxy.start(upstream.endpoint(), new Emulation(thaws, lookup));
            return new GlacierFront(upstream, lookup, thaws, proxy);
        } catch (RuntimeException e) {
            lookup.close();
            throw e;
        }
    }

    /** http://127.0.0.1:PORT of the front, for endpointOverride (path-style) or --endpoint-url. */
    @Override
    public URI endpoint() {
        return proxy.endpoint();
    }

    /** The proxy underneath: add fault rules (they come before the archive behaviour) or read its request log. */
    public FaultProxy proxy() {
        return proxy;
    }

    /** Every RestoreObject request received so far, in order, refused ones included. */
    public List<RestoreCall> restoreRequests() {
        return thaws.calls();
    }

    /** The object's thaw: ARCHIVED when no restore was accepted for it (whatever its class). */
    public ThawState state(String bucket, String key) {
        return thaws.state(bucket, key);
    }

    /** Completes every thaw in progress. */
    public void thawAll() {
        thaws.completeAll();
    }

    /** Completes the object's thaw; IllegalStateException when no restore was requested for it. */
    public void thaw(String bucket, String key) {
        if (!thaws.completeOne(bucket, key)) {
            throw new IllegalStateException("no restore was requested for " + bucket + "/" + key);
        }
    }

    /**
     * From now on a thaw completes on the n-th HEAD of its object, counted from its request or from this call
     * (whichever is later): that HEAD already shows {@code ongoing-request="false"}. 0 completes thaws at once, the
     * pending ones included. GETs do not count.
     */
    public void completeThawsAfterHeads(int n) {
        thaws.completeAfterHeads(n);
    }

    @Override
    public String region() {
        return upstream.region();
    }

    @Override
    public AwsBasicCredentials admin() {
        return upstream.admin();
    }

    @Override
    public AwsBasicCredentials backupOnly() {
        return upstream.backupOnly();
    }

    @Override
    public AwsBasicCredentials readOnly() {
        return upstream.readOnly();
    }

    @Override
    public AwsBasicCredentials appendOnly() {
        return upstream.appendOnly();
    }

    @Override
    public void bucketCreated(String name) {
        upstream.bucketCreated(name);
    }

    /** Stops the front (the server behind it keeps running). Never throws. */
    @Override
    public void close() {
        proxy.close();
        lookup.close();
    }

    @Override
    public String toString() {
        return "GlacierFront[" + proxy.endpoint() + " -> " + upstream + "]";
    }

    /** The archive behaviour, per request, on the proxy's connection threads. */
    private static final class Emulation implements ProxyEmulation {
        private static final Pattern DAYS = Pattern.compile("<Days>\\s*(-?\\d+)\\s*</Days>");
        private static final Pattern TIER = Pattern.compile("<Tier>\\s*([^<\\s]*)\\s*</Tier>");
        private static final Set<String> TIERS = Set.of("Expedited", "Standard", "Bulk");

        private final GlacierThaws thaws;
        private final S3Client lookup;

        Emulation(GlacierThaws thaws, S3Client lookup) {
            this.thaws = thaws;
            this.lookup = lookup;
        }

        @Override
        public boolean answers(Request request) {
            return request.method().equals("POST") && hasParameter(request.target(), "restore");
        }

        @Override
        public Reply answer(Request request, byte[] body) {
            String[] object = object(request);
            if (object == null) {
                return Reply.s3Error(400, "InvalidRequest", "A restore needs an object: POST /bucket/key?restore");
            }
            String xml = new String(body, StandardCharsets.UTF_8);
            Matcher days = DAYS.matcher(xml);
            Matcher tierMatch = TIER.matcher(xml);
            String tier = tierMatch.find() ? tierMatch.group(1) : null;
            int dayCount = days.find() ? Integer.parseInt(days.group(1)) : 0;
            Reply reply = restore(object[0], object[1], xml, tier, dayCount);
            thaws.record(new RestoreCall(object[0], object[1], tier, dayCount, reply.status));
            return reply;
        }

        private Reply restore(String bucket, String key, String xml, String tier, int days) {
            if (!xml.contains("<RestoreRequest") || (tier != null && !TIERS.contains(tier))) {
                return Reply.s3Error(400, "MalformedXML", "The XML you provided was not well-formed or did not "
                        + "validate against our published schema");
            }
            if (days < 1) {
                return Reply.s3Error(400, "InvalidArgument", "Days must be a positive number for an archive restore");
            }
            String storageClass;
            try {
                HeadObjectResponse head = lookup.headObject(b -> b.bucket(bucket).key(key));
                storageClass = head.storageClassAsString();
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return Reply.s3Error(404, "NoSuchKey", "The specified key does not exist.").detail("Key", key);
                }
                String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
                return Reply.s3Error(e.statusCode(), code != null ? code : "InternalError",
                        "looking up the storage class failed: " + e.getMessage());
            }
            if (storageClass == null || !ARCHIVE_CLASSES.contains(storageClass)) {
                return Reply.s3Error(403, "InvalidObjectState",
                        "Restore is not allowed for the object's current storage class")
                        .detail("StorageClass", storageClass == null ? "STANDARD" : storageClass);
            }
            if ("DEEP_ARCHIVE".equals(storageClass) && "Expedited".equals(tier)) {
                // AWS documents that Deep Archive has no Expedited tier, not the error code: this one is our pick.
                return Reply.s3Error(400, "InvalidArgument",
                        "Expedited retrieval is not available for the DEEP_ARCHIVE storage class");
            }
            int status = thaws.request(bucket, key, days);
            return status == 409
                    ? Reply.s3Error(409, "RestoreAlreadyInProgress", "Object restore is already in progress")
                    : Reply.empty(status);
        }

        @Override
        public Review review(Request request, Response response) {
            boolean get = request.method().equals("GET");
            if (!get && !request.method().equals("HEAD")) {
                return Review.keep();
            }
            String storageClass = response.header("x-amz-storage-class");
            String[] object = object(request);
            if ((response.status() != 200 && response.status() != 206) || storageClass == null
                    || !ARCHIVE_CLASSES.contains(storageClass) || object == null) {
                return Review.keep();
            }
            String restore = get ? thaws.restoreHeader(object[0], object[1]) : thaws.headed(object[0], object[1]);
            if (get && (restore == null || restore.contains("ongoing-request=\"true\""))) {
                return Review.replace(Reply.s3Error(403, "InvalidObjectState",
                        "The operation is not valid for the object's storage class")
                        .detail("StorageClass", storageClass));
            }
            return restore == null ? Review.keep() : Review.addHeader("x-amz-restore", restore);
        }

        /** Bucket and key of a path-style request, or null when it names no object. */
        private static String[] object(Request request) {
            String path = request.decodedPath();
            int slash = path.indexOf('/', 1);
            if (!path.startsWith("/") || slash < 0 || slash == path.length() - 1) {
                return null;
            }
            return new String[] {path.substring(1, slash), path.substring(slash + 1)};
        }

        private static boolean hasParameter(String target, String name) {
            int q = target.indexOf('?');
            if (q < 0) {
                return false;
            }
            for (String p : target.substring(q + 1).split("&")) {
                if (p.equals(name) || p.startsWith(name + "=")) {
                    return true;
                }
            }
            return false;
        }
    }
}
