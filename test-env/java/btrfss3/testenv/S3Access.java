package btrfss3.testenv;

import java.io.InputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteBucketEncryptionRequest;
import software.amazon.awssdk.services.s3.model.DeleteBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetBucketAclRequest;
import software.amazon.awssdk.services.s3.model.GetBucketAclResponse;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionRequest;
import software.amazon.awssdk.services.s3.model.GetBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningRequest;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.GetObjectAclRequest;
import software.amazon.awssdk.services.s3.model.GetObjectAclResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListBucketsRequest;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutBucketEncryptionRequest;
import software.amazon.awssdk.services.s3.model.PutBucketEncryptionResponse;
import software.amazon.awssdk.services.s3.model.PutBucketVersioningRequest;
import software.amazon.awssdk.services.s3.model.PutBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Per-credential permissions for the embedded S3Proxy, in the manner of IAM policies.
 *
 * <p>S3Proxy calls its BlobStore from one {@code handleXxx} method per S3 operation (S3ProxyHandler), and may make
 * several store calls for one operation (CompleteMultipartUpload also lists the parts, PutObject with If-None-Match
 * looks the key up). So permissions are decided per S3 operation, found on the call stack, not per store call. A
 * refused operation throws S3Proxy's own exception with AccessDenied, which it sends as a real
 * {@code 403 AccessDenied} S3 error response.
 */
final class S3Access {
    private S3Access() {}

    /** The S3 operations, named after S3ProxyHandler's handler methods (handle + name). */
    enum Op {
        ContainerList, BlobList, ListMultipartUploads, ListParts, ListObjectVersions,
        GetBlob, BlobMetadata, GetObjectAttributes, GetBlobAcl, GetContainerAcl, ContainerExists, ContainerLocation,
        GetBucketVersioning, GetBucketEncryption, BucketPolicy, OptionsBlob,
        PutBlob, PostBlob, InitiateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload,
        CopyPart, CopyBlob,
        BlobRemove, MultiBlobRemove, ContainerDelete,
        ContainerCreate, SetContainerAcl, SetBlobAcl, SetBucketVersioning, SetBucketEncryption, DeleteBucketEncryption;

        static Optional<Op> current() {
            return StackWalker.getInstance().walk(frames -> frames
                    .filter(f -> f.getClassName().equals("org.gaul.s3proxy.S3ProxyHandler")
                            && f.getMethodName().startsWith("handle"))
                    .map(f -> f.getMethodName().substring("handle".length()))
                    .findFirst())
                    .flatMap(name -> {
                        try {
                            return Optional.of(Op.valueOf(name));
                        } catch (IllegalArgumentException e) {
                            return Optional.empty();
                        }
                    });
        }
    }

    /** What a credential may do. */
    enum Policy {
        /** Everything. */
        ADMIN(EnumSet.allOf(Op.class), false),
        /** Like an IAM policy granting s3:PutObject and s3:AbortMultipartUpload alone. */
        BACKUP_ONLY(EnumSet.of(Op.PutBlob, Op.PostBlob, Op.InitiateMultipartUpload, Op.UploadPart,
                Op.CompleteMultipartUpload, Op.AbortMultipartUpload), true),
        /** BACKUP_ONLY plus s3:GetObject: no List, no Delete. */
        APPEND_ONLY(EnumSet.of(Op.PutBlob, Op.PostBlob, Op.InitiateMultipartUpload, Op.UploadPart,
                Op.CompleteMultipartUpload, Op.AbortMultipartUpload, Op.GetBlob, Op.BlobMetadata,
                Op.GetObjectAttributes), true),
        /** s3:ListBucket, s3:GetObject and the other reads; every write and delete is refused. */
        READ_ONLY(EnumSet.of(Op.ContainerList, Op.BlobList, Op.ListMultipartUploads, Op.ListParts,
                Op.ListObjectVersions, Op.GetBlob, Op.BlobMetadata, Op.GetObjectAttributes, Op.GetBlobAcl,
                Op.GetContainerAcl, Op.ContainerExists, Op.ContainerLocation, Op.GetBucketVersioning,
                Op.GetBucketEncryption, Op.OptionsBlob), false);

        final Set<Op> allowed;
        /** Without s3:ListBucket, AWS answers a Get or Head of a missing key with 403, not 404. */
        final boolean missingKeyIsDenied;

        Policy(Set<Op> allowed, boolean missingKeyIsDenied) {
            this.allowed = allowed;
            this.missingKeyIsDenied = missingKeyIsDenied;
        }
    }

    static S3ProxyException accessDenied(Policy policy, Object op) {
        return new S3ProxyException(S3ErrorCode.ACCESS_DENIED,
                "Access Denied (test harness: credentials " + policy + " may not " + op + ")");
    }

    /**
     * Keeps the storage class (and metadata) given to CreateMultipartUpload: S3Proxy 4.1.0 rebuilds the upload for
     * CompleteMultipartUpload from its stub without them, so the object would end up STANDARD. Real S3 keeps them.
     * Only uploads started through this store instance are covered (a restarted server forgets them).
     */
    static final class KeepMultipartAttributes extends ForwardingBlobStore {
        private final Map<String, CreateMultipartUploadRequest> started = new java.util.concurrent.ConcurrentHashMap<>();

        KeepMultipartAttributes(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
            MultipartUpload mpu = delegate().initiateMultipartUpload(request);
            started.put(mpu.id(), request);
            return mpu;
        }

        @Override
        public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload mpu,
                CompleteMultipartUploadRequest request) {
            CreateMultipartUploadRequest original = started.get(mpu.id());
            MultipartUpload effective = mpu;
            if (original != null) {
                CreateMultipartUploadRequest seen = mpu.request();
                CreateMultipartUploadRequest.Builder b = seen.toBuilder();
                if (seen.storageClass() == null && original.storageClass() != null) {
                    b.storageClass(original.storageClass());
                }
                if ((seen.metadata() == null || seen.metadata().isEmpty()) && original.hasMetadata()) {
                    b.metadata(original.metadata());
                }
                if (seen.contentType() == null && original.contentType() != null) {
                    b.contentType(original.contentType());
                }
                effective = new MultipartUpload(mpu.id(), b.build(), mpu.response());
            }
            CompleteMultipartUploadResponse response = delegate().completeMultipartUpload(effective, request);
            started.remove(mpu.id());
            return response;
        }

        @Override
        public void abortMultipartUpload(MultipartUpload mpu) {
            delegate().abortMultipartUpload(mpu);
            started.remove(mpu.id());
        }
    }

    /** Refuses the S3 operations that a policy does not allow with 403 AccessDenied. */
    static final class Restricted extends ForwardingBlobStore {
        private final Policy policy;

        Restricted(BlobStore delegate, Policy policy) {
            super(delegate);
            this.policy = policy;
        }

        private void check() {
            Optional<Op> op = Op.current();
            if (op.isPresent() && !policy.allowed.contains(op.get())) {
                throw accessDenied(policy, op.get());
            }
        }

        private S3Exception missing(S3Exception e) {
            boolean notFound = e instanceof NoSuchKeyException || e.statusCode() == 404
                    || (e instanceof S3ProxyException p && p.getError() == S3ErrorCode.NO_SUCH_KEY);
            if (notFound && policy.missingKeyIsDenied) {
                return accessDenied(policy, "see whether a key exists (no s3:ListBucket)");
            }
            return e;
        }

        @Override public ListBucketsResponse list() { check(); return delegate().list(); }
        @Override public ListBucketsResponse list(ListBucketsRequest r) { check(); return delegate().list(r); }
        @Override public ListObjectsV2Response list(ListObjectsV2Request r) { check(); return delegate().list(r); }
        @Override public ListObjectsResponse listV1(ListObjectsRequest r) { check(); return delegate().listV1(r); }
        @Override public HeadBucketResponse headBucket(HeadBucketRequest r) { check(); return delegate().headBucket(r); }
        @Override public CreateBucketResponse createContainer(CreateBucketRequest r) { check(); return delegate().createContainer(r); }
        @Override public BucketCannedACL getContainerAccess(String c) { check(); return delegate().getContainerAccess(c); }
        @Override public GetBucketAclResponse getContainerAcl(GetBucketAclRequest r) { check(); return delegate().getContainerAcl(r); }
        @Override public void setContainerAccess(String c, BucketCannedACL a) { check(); delegate().setContainerAccess(c, a); }
        @Override public void clearContainer(ListObjectsV2Request r) { check(); delegate().clearContainer(r); }
        @Override public void deleteContainer(String c) { check(); delegate().deleteContainer(c); }
        @Override public void deleteBucket(String c) { check(); delegate().deleteBucket(c); }
        @Override public PutObjectResponse putBlob(PutObjectRequest r, InputStream in) { check(); return delegate().putBlob(r, in); }
        @Override public CopyObjectResponse copyBlob(CopyObjectRequest r) { check(); return delegate().copyBlob(r); }

        @Override
        public HeadObjectResponse blobMetadata(HeadObjectRequest r) {
            check();
            HeadObjectResponse result;
            try {
                result = delegate().blobMetadata(r);
            } catch (S3Exception e) {
                throw missing(e);
            }
            if (result == null && policy.missingKeyIsDenied && Op.current().orElse(null) == Op.BlobMetadata) {
                throw accessDenied(policy, "see whether a key exists (no s3:ListBucket)");
            }
            return result;
        }

        @Override
        public HeadObjectResponse blobMetadataIfPresent(HeadObjectRequest r) {
            check();
            return delegate().blobMetadataIfPresent(r);
        }

        @Override
        public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest r) {
            check();
            ResponseInputStream<GetObjectResponse> result;
            try {
                result = delegate().getBlob(r);
            } catch (S3Exception e) {
                throw missing(e);
            }
            if (result == null && policy.missingKeyIsDenied) {
                throw accessDenied(policy, "see whether a key exists (no s3:ListBucket)");
            }
            return result;
        }

        @Override public DeleteObjectResponse removeBlob(DeleteObjectRequest r) { check(); return delegate().removeBlob(r); }
        @Override public DeleteObjectsResponse removeBlobs(DeleteObjectsRequest r) { check(); return delegate().removeBlobs(r); }
        @Override public GetBucketVersioningResponse getBucketVersioning(GetBucketVersioningRequest r) { check(); return delegate().getBucketVersioning(r); }
        @Override public PutBucketVersioningResponse putBucketVersioning(PutBucketVersioningRequest r) { check(); return delegate().putBucketVersioning(r); }
        @Override public ListObjectVersionsResponse listVersions(ListObjectVersionsRequest r) { check(); return delegate().listVersions(r); }
        @Override public GetBucketEncryptionResponse getBucketEncryption(GetBucketEncryptionRequest r) { check(); return delegate().getBucketEncryption(r); }
        @Override public PutBucketEncryptionResponse putBucketEncryption(PutBucketEncryptionRequest r) { check(); return delegate().putBucketEncryption(r); }
        @Override public DeleteBucketEncryptionResponse deleteBucketEncryption(DeleteBucketEncryptionRequest r) { check(); return delegate().deleteBucketEncryption(r); }
        @Override public ObjectCannedACL getBlobAccess(String c, String k) { check(); return delegate().getBlobAccess(c, k); }
        @Override public GetObjectAclResponse getBlobAcl(GetObjectAclRequest r) { check(); return delegate().getBlobAcl(r); }
        @Override public void setBlobAccess(String c, String k, ObjectCannedACL a) { check(); delegate().setBlobAccess(c, k, a); }
        @Override public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest r) { check(); return delegate().initiateMultipartUpload(r); }
        @Override public void abortMultipartUpload(MultipartUpload m) { check(); delegate().abortMultipartUpload(m); }
        @Override public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload m, CompleteMultipartUploadRequest r) { check(); return delegate().completeMultipartUpload(m, r); }
        @Override public UploadPartResponse uploadMultipartPart(MultipartUpload m, UploadPartRequest r, InputStream in) { check(); return delegate().uploadMultipartPart(m, r, in); }
        @Override public UploadPartCopyResponse copyMultipartPart(MultipartUpload m, UploadPartCopyRequest r) { check(); return delegate().copyMultipartPart(m, r); }
        @Override public List<Part> listMultipartUpload(MultipartUpload m) { check(); return delegate().listMultipartUpload(m); }
        @Override public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(String c) { check(); return delegate().listMultipartUploads(c); }
    }
}
