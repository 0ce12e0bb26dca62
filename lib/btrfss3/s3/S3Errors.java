package btrfss3.s3;

import java.io.IOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Turns SDK exceptions into one line a user can act on: what failed, the HTTP status and S3's error code. */
public final class S3Errors {
    private S3Errors() {}

    public static String describe(Throwable t) {
        if (t instanceof AwsServiceException e) {
            String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
            int status = e.statusCode();
            String hint = switch (status) {
                case 403 -> " (access denied: check the credentials and the IAM policy)";
                case 404 -> "";
                case 412 -> " (the object already exists and S3 refused to overwrite it)";
                case 501 -> " (the store does not implement a header sent: --object-lock-mode, or If-None-Match"
                        + " (see --no-if-none-match))";
                default -> "";
            };
            return "HTTP " + status + (code != null ? " " + code : "") + hint;
        }
        if (t instanceof SdkClientException e) {
            return e.getMessage() == null ? "client error" : firstLine(e.getMessage());
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m != null ? ": " + firstLine(m) : "");
    }

    public static boolean isStatus(Throwable t, int status) {
        return t instanceof AwsServiceException e && e.statusCode() == status;
    }

    public static String errorCode(Throwable t) {
        return t instanceof AwsServiceException e && e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
    }

    static IOException io(String what, Throwable t) {
        return new IOException(what + " failed: " + describe(t), t);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
