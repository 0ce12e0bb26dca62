package btrfss3.crypto;

import btrfss3.cli.Failure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the passphrase of an encrypted private key comes from: a file, an environment
 * variable, or the terminal. Never the command line, where every user of the machine can read it.
 */
public final class Passphrase {
    private final Path file;
    private final String environmentVariable;

    public Passphrase(Path file, String environmentVariable) {
        this.file = file;
        this.environmentVariable = environmentVariable;
    }

    char[] get(Path keyFile) {
        if (file != null) {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                int eol = text.indexOf('\n');
                String line = eol < 0 ? text : text.substring(0, eol);
                return (line.endsWith("\r") ? line.substring(0, line.length() - 1) : line).toCharArray();
            } catch (IOException e) {
                throw Failure.usage("cannot read passphrase file " + file);
            }
        }
        if (environmentVariable != null) {
            String value = System.getenv(environmentVariable);
            if (value == null) {
                throw Failure.usage("environment variable " + environmentVariable + " is not set");
            }
            return value.toCharArray();
        }
        var console = System.console();
        if (console == null) {
            throw Failure.usage(keyFile + " is encrypted: give --passphrase-file FILE or --passphrase-env VAR");
        }
        char[] typed = console.readPassword("Passphrase for %s: ", keyFile);
        if (typed == null) {
            throw Failure.usage("no passphrase given for " + keyFile);
        }
        return typed;
    }
}
