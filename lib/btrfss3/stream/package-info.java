/**
 * Checking btrfs send streams without btrfs: {@link btrfss3.stream.SendStreamVerifier} passes a
 * stream through while checking it (restore puts it in front of {@code btrfs receive}), and
 * {@link btrfss3.stream.SendStreamVerifier#verify} checks a whole stream and returns its
 * {@link btrfss3.stream.StreamSummary}; {@link btrfss3.stream.SendStreamChecker} does the work on
 * bytes pushed to it.
 */
package btrfss3.stream;
