///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES lib/**/*.java

import btrfss3.Dependencies;
import btrfss3.age.AgeKeygen;
import btrfss3.cli.Cli;
import btrfss3.cli.Failure;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keygen", mixinStandardHelpOptions = true, version = "btrfs-send-to-s3 " + Dependencies.TOOL_VERSION,
        description = {"Generate an age identity file (mode 0600) and print its recipient, for backup -r and restore -i.",
            "Post-quantum hybrid keys (ML-KEM-768 + X25519) by default; --x25519 for classic keys."})
public class keygen implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "Identity file to create; an existing file is never overwritten.")
    Path output;

    @Option(names = "--x25519", description = "Make a classic X25519 key (readable by age 1.1 and other older age tools).")
    boolean classic;

    @Override
    public Integer call() {
        try {
            String recipient = AgeKeygen.writeIdentityFile(output,
                    classic ? AgeKeygen.KeyType.X25519 : AgeKeygen.KeyType.MLKEM768_X25519);
            System.out.println(recipient);
            return 0;
        } catch (FileAlreadyExistsException e) {
            throw Failure.usage(output + " already exists; an identity file is never overwritten");
        } catch (IOException | UnsupportedOperationException e) {
            throw Failure.usage("cannot write " + output + ": " + e.getMessage());
        }
    }

    public static void main(String[] args) {
        System.exit(Cli.run(new keygen(), args));
    }
}
