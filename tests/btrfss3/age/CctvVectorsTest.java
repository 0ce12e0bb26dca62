package btrfss3.age;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The C2SP CCTV age test vectors (shared/test-vectors/age): every vector that is binary and uses
 * X25519 or hybrid identities is decrypted and must end exactly as its {@code expect:} says.
 */
class CctvVectorsTest {
    static final Path DIR = Path.of(System.getProperty("project.root", ".")).resolve("../shared/test-vectors/age").normalize();
    private static final Set<String> NOT_VECTORS = Set.of("README.md", "LICENSE", "SOURCE-COMMIT");

    private static final String ARMOR = "ASCII armor is out of scope: only the binary format is implemented";
    private static final String SCRYPT = "passphrase (scrypt) recipients are out of scope, and the vector has no X25519 or hybrid identity";

    /**
     * Vectors deliberately not run, with the reason. Every other vector in the folder is run, so a
     * new vector is never skipped silently: it runs, or fails until it is listed here.
     */
    static final Map<String, String> EXCLUDED = new LinkedHashMap<>();

    static {
        for (String name : List.of("armor_crlf", "armor_empty", "armor_empty_last_line", "armor_empty_line_begin",
                "armor_empty_line_end", "armor_eol_between_padding", "armor_full_last_line", "armor_garbage_encoded",
                "armor_garbage_leading", "armor_garbage_trailing", "armor_header_crlf", "armor_headers", "armor_hybrid",
                "armor_invalid_character_header", "armor_invalid_character_payload", "armor_long_line", "armor_lowercase",
                "armor_no_end_line", "armor_no_eol", "armor_no_match", "armor_no_padding", "armor_not_canonical",
                "armor_pgp_checksum", "armor_scrypt", "armor_short_line", "armor_whitespace_begin", "armor_whitespace_end",
                "armor_whitespace_eol", "armor_whitespace_last_line", "armor_whitespace_line_start",
                "armor_whitespace_outside", "armor_wrong_type", "armor_x25519")) {
            EXCLUDED.put(name, ARMOR);
        }
        // scrypt_and_x25519 is not here: it has an X25519 identity, and the rule it checks (an
        // scrypt stanza must be alone) is enforced by the decryptor whatever the identities.
        for (String name : List.of("scrypt", "scrypt_bad_tag", "scrypt_double", "scrypt_extra_argument",
                "scrypt_long_file_key", "scrypt_no_match", "scrypt_not_canonical_body", "scrypt_not_canonical_salt",
                "scrypt_salt_long", "scrypt_salt_missing", "scrypt_salt_short", "scrypt_uppercase", "scrypt_work_factor_23",
                "scrypt_work_factor_hex", "scrypt_work_factor_leading_garbage", "scrypt_work_factor_leading_plus",
                "scrypt_work_factor_leading_zero_decimal", "scrypt_work_factor_leading_zero_octal",
                "scrypt_work_factor_missing", "scrypt_work_factor_negative", "scrypt_work_factor_overflow",
                "scrypt_work_factor_trailing_garbage", "scrypt_work_factor_wrong", "scrypt_work_factor_zero")) {
            EXCLUDED.put(name, SCRYPT);
        }
    }

    /** One parsed vector file. */
    record Vector(String name, Map<String, List<String>> meta, byte[] file) {
        String one(String key) {
            List<String> v = meta.getOrDefault(key, List.of());
            return v.isEmpty() ? null : v.get(0);
        }

        List<String> all(String key) {
            return meta.getOrDefault(key, List.of());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<String> allNames() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !NOT_VECTORS.contains(n)).sorted()
                    .collect(Collectors.toList());
        }
    }

    static Vector load(String name) throws IOException {
        byte[] raw = Files.readAllBytes(DIR.resolve(name));
        Map<String, List<String>> meta = new LinkedHashMap<>();
        int pos = 0;
        while (true) {
            int eol = indexOf(raw, (byte) '\n', pos);
            if (eol < 0) {
                throw new IOException(name + ": no blank line after the vector's header");
            }
            String line = new String(raw, pos, eol - pos, StandardCharsets.UTF_8);
            pos = eol + 1;
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(": ");
            meta.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>()).add(line.substring(colon + 2));
        }
        byte[] file = java.util.Arrays.copyOfRange(raw, pos, raw.length);
        if ("zlib".equals(meta.getOrDefault("compressed", List.of("")).get(0))) {
            try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(file))) {
                file = in.readAllBytes();
            }
        }
        return new Vector(name, meta, file);
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    static Stream<String> runnable() throws IOException {
        return allNames().stream().filter(n -> !EXCLUDED.containsKey(n));
    }

    @Test
    void exclusionListMatchesTheFolder() throws IOException {
        List<String> names = allNames();
        assertTrue(names.size() > 100, "expected the CCTV age vectors in " + DIR + ", found " + names.size());
        Set<String> stale = new TreeSet<>(EXCLUDED.keySet());
        stale.removeAll(names);
        assertEquals(Set.of(), stale, "excluded vectors that no longer exist");
        for (String name : EXCLUDED.keySet()) {
            Vector v = load(name);
            boolean armored = "yes".equals(v.one("armored"));
            boolean passphraseOnly = v.all("identity").isEmpty() && !v.all("passphrase").isEmpty();
            assertTrue(armored || passphraseOnly, name + " is excluded but is binary and has an identity: run it");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runnable")
    void vector(String name) throws Exception {
        Vector v = load(name);
        assertTrue(!"yes".equals(v.one("armored")), name + ": armored vectors must be in EXCLUDED");
        List<Identity> identities = new ArrayList<>();
        for (String s : v.all("identity")) {
            identities.add(Identity.parse(s));
        }
        if (identities.isEmpty()) {
            // e.g. "empty": the header must fail to parse whatever identity is offered.
            assertTrue(v.all("passphrase").isEmpty(), name + ": passphrase-only vectors must be in EXCLUDED");
            identities.add(X25519Identity.generate());
        }
        String expect = v.one("expect");
        ByteArrayOutputStream released = new ByteArrayOutputStream();
        AgeException.Kind failure = null;
        String message = null;
        try (InputStream in = AgeDecryptor.decrypt(new ByteArrayInputStream(v.file()), identities)) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                released.write(buf, 0, n);
            }
        } catch (AgeException e) {
            failure = e.kind();
            message = e.getMessage();
        }
        switch (expect) {
            case "success" -> {
                assertEquals(null, failure, name + ": unexpected failure: " + message);
                assertEquals(v.one("payload"), sha256(released.toByteArray()), name + ": payload hash");
            }
            case "payload failure" -> {
                assertEquals(AgeException.Kind.PAYLOAD, failure, name + ": " + message);
                assertEquals(v.one("payload"), sha256(released.toByteArray()), name + ": plaintext released before the failure");
            }
            case "header failure" -> assertEquals(AgeException.Kind.HEADER, failure, name + ": " + message);
            case "no match" -> assertEquals(AgeException.Kind.NO_MATCH, failure, name + ": " + message);
            case "HMAC failure" -> assertEquals(AgeException.Kind.HMAC, failure, name + ": " + message);
            default -> fail(name + ": unknown expectation " + expect);
        }
        if (failure != null) {
            assertEquals(0, expect.equals("payload failure") ? 0 : released.size(), "no plaintext before a header-level failure");
        }
    }

    /** As the vectors' README suggests: any header that parses re-encodes to the same bytes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("runnable")
    void headerRoundTrip(String name) throws Exception {
        Vector v = load(name);
        Header header;
        try {
            header = Header.read(new ByteArrayInputStream(v.file()));
        } catch (AgeException e) {
            assertEquals("header failure", v.one("expect"), name + ": " + e.getMessage());
            return;
        }
        byte[] reencoded = Header.encodeMacInput(header.stanzas);
        assertArrayEquals(header.macInput, reencoded, name);
        byte[] fileKey = HexFormat.of().parseHex(v.one("file key"));
        if (!"HMAC failure".equals(v.one("expect"))) {
            byte[] full = Header.encode(header.stanzas, fileKey);
            assertArrayEquals(java.util.Arrays.copyOf(v.file(), full.length), full, name + ": header with MAC");
        }
    }

    /** As the README suggests: re-encrypting a success vector's plaintext with its file key and nonce gives its payload. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("runnable")
    void streamRoundTrip(String name) throws Exception {
        Vector v = load(name);
        if (!"success".equals(v.one("expect"))) {
            return;
        }
        byte[] fileKey = HexFormat.of().parseHex(v.one("file key"));
        Header header = Header.read(new ByteArrayInputStream(v.file()));
        int start = header.encodedLength();
        byte[] nonce = java.util.Arrays.copyOfRange(v.file(), start, start + StreamCipher.PAYLOAD_NONCE_SIZE);
        byte[] payload = java.util.Arrays.copyOfRange(v.file(), start + StreamCipher.PAYLOAD_NONCE_SIZE, v.file().length);
        List<Identity> ids = new ArrayList<>();
        for (String s : v.all("identity")) {
            ids.add(Identity.parse(s));
        }
        byte[] plaintext;
        try (InputStream in = AgeDecryptor.decrypt(new ByteArrayInputStream(v.file()), ids)) {
            plaintext = in.readAllBytes();
        }
        for (ChaChaPoly.Backend backend : ChaChaPolyTest.backendsHere()) {
            StreamCipher cipher = new StreamCipher(backend, fileKey, nonce);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] sealed = new byte[StreamCipher.SEALED_CHUNK_SIZE];
            int off = 0;
            do {
                int len = Math.min(StreamCipher.CHUNK_SIZE, plaintext.length - off);
                boolean last = off + len == plaintext.length;
                out.write(sealed, 0, cipher.seal(plaintext, off, len, last, sealed));
                off += len;
            } while (off < plaintext.length);
            assertArrayEquals(payload, out.toByteArray(), name + " with " + backend);
        }
    }

    static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
