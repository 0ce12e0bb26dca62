///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVA_OPTIONS -Xmx160m -XX:MetaspaceSize=32m -XX:+UseSerialGC
//SOURCES lib/**/*.java

import btrfss3.Dependencies;
import btrfss3.cli.Cli;
import btrfss3.cli.Log;
import btrfss3.cli.Preconditions;
import btrfss3.cli.S3Options;
import btrfss3.crypto.Passphrase;
import btrfss3.restore.Restore;
import btrfss3.restore.RestoreOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "restore", mixinStandardHelpOptions = true, version = "btrfs-send-to-s3 " + Dependencies.TOOL_VERSION,
        sortOptions = false,
        description = {"Restore an epoch of btrfs-send-to-s3 backups into a btrfs filesystem, oldest first.",
            "",
            "Exit codes:",
            "  0  every backup of the epoch restored",
            "  1  usage error, listing failed, no backup found",
            "  2  a backup did not restore; the last good snapshot is kept",
            "  3  btrfs is not installed",
            "  4  chunks are in GLACIER/DEEP_ARCHIVE and must be thawed first",
            ""})
public class restore implements Callable<Integer> {
    @Option(names = {"-k", "--private-key"}, paramLabel = "FILE",
            description = "openssl format: RSA private key (PEM: PKCS#8 or PKCS#1, encrypted or not).")
    Path privateKey;

    @Option(names = {"-i", "--identity"}, paramLabel = "FILE",
            description = "age format: identity file (AGE-SECRET-KEY-1... and AGE-SECRET-KEY-PQ-1... lines).")
    Path identity;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read the private key's passphrase from the first line of FILE.")
    Path passphraseFile;

    @Option(names = "--passphrase-env", paramLabel = "VAR",
            description = "Read the private key's passphrase from environment variable VAR.")
    String passphraseEnv;

    @Option(names = {"-b", "--bucket"}, paramLabel = "BUCKET", required = true, description = "S3 bucket.")
    String bucket;

    @Option(names = {"-p", "--prefix"}, paramLabel = "PREFIX", required = true, description = "Key prefix used by the backups.")
    String prefix;

    @Option(names = {"-e", "--epoch"}, paramLabel = "EPOCH", required = true, description = "Epoch to restore.")
    String epoch;

    @Option(names = {"-s", "--destination"}, paramLabel = "DIR", required = true,
            description = "Directory on a btrfs filesystem that receives the snapshots.")
    Path destination;

    @Option(names = {"-d", "--delete-previous"},
            description = "After each increment is received, delete the snapshot it was based on (keep only the newest).")
    boolean deletePrevious;

    @Option(names = {"-v", "--verbose"}, description = "Say what is being done.")
    boolean verbose;

    @Mixin
    S3Options s3;

    @Override
    public Integer call() {
        Preconditions.requireRoot();
        var options = new RestoreOptions(privateKey, new Passphrase(passphraseFile, passphraseEnv), identity, bucket, prefix, epoch,
                destination, deletePrevious, s3.settings(), verbose);
        return new Restore(options, Log.standard(verbose)).run();
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new restore(), args));
    }
}
