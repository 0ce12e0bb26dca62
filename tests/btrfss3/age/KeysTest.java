package btrfss3.age;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Known answers for key derivation and encoding, from the examples in the age spec (c2sp.org/age). */
class KeysTest {
    static final String SPEC_X25519_IDENTITY = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    static final String SPEC_X25519_RECIPIENT = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";
    static final String SPEC_PQ_IDENTITY = "AGE-SECRET-KEY-PQ-1XX76JRALNLXDMEW0CRK45QMCCH4X06SE84UN3VPM33W6HWDX0H3SK3ZQFR";
    static final String SPEC_PQ_RECIPIENT = "age1pq1x34nzsvr0rxjsgdn8zgyhfe8j7ceq5r9rdelkjuh3y235jzxshfg87pzf5zrqtzdxz95paef6caq5aapdmwjjqpjf"
            + "dyxnzr2zampc3uxy0dg4z2n2gm9su72p0pc3u0jvev55l694v78snxg3yzvcl7yda0eyytqj6a0ec477lnhcy5hzpz4zq3px"
            + "anve4cn62gqj3pjy5lqj9c6kyj4v2z8alktn8zh99970x79gjkv7522hv9kfz35zsnxhsx8wwtmu9cy3ftzjgwcp4sshn3ll"
            + "nylnpdsyz5jm72vefv4x5vfwytrefxg4wq3mv42wcrvkj742479zrxzpvp2p3e9fed9f0739vcu80r7ma28qfhnvlv4gfzel"
            + "9q654dj3zmuvvz893azhxdvs9fxd0r7jzchzcfcs5mkyyjxhw0n2z6dvp9yn9qfdp29h0azxqyjw6v7fhyuzj7zel0uq6j9r"
            + "d7wgrpz7mf5dnj43jwsgvrc8qcnhy7tu6dkdujuxzkp9xj43xe8h92ktre2a3u3s8mm5mrp9nr9pwkgtz4mdlq9hgn4fps4k"
            + "57ff6wddn2fy23t47sm20r8km8sd2pcyyafnet8f0dajsrlyjeah4n3mssr6aseevuuskdvq5lzguyvpgwpta742c6698vgu"
            + "tzqgny8usfg0w2he7kq5vyxjd0f9hqg8xk26y9e4th0gezq92q4cpp5p2y9hf5f2cje5l0c3sa3a2qxmm38pxxvhxh99yzmf"
            + "z0zk7r2s64nnwjhkfgfr3gf8xnmppcgmaykvh5sh6g7vk9790rf8ws0axmr2t7z8aae5fq2029uvcn2ghgt4fu4wgwdc0k0c"
            + "z52qkvwmuzj8p8k5jgf3xzk5zmrkavjekjrpeq408xz3zxazwkc6tyfmhayrkfpjhwtz5mp8j8guqe43k2q6m2kte03vrw27"
            + "y3wmqyu5etmt9dnkwcnnpmu9gz9dekfhdevf42ucshphnrk38ra6hx8w5f8q5ru0xdhrjxmwqf6cused7zc5xvq43r0zscjg"
            + "lpwlptpwydhqw64xz7ptjdyeyzpq2zkxtmzg29gzjpvzva4d3l0cenn9xs297wf4y4ukwrunf57xj6pm7nvrkwvtrt8hwcmg"
            + "v8x7ajw7258ugf9wvkmk4052ekg87tw5vnx8nq2swyzv77v8yqlwsenvamr0zssknwts8rrhfuwj7ykysnq9jxy0uv3kuyt2"
            + "2djszjdtvpz6d0s0kwh8ryynddzud92emeyvvyqktd0jtj7rvvg5gch25v8smlvny3kvn5gagyz475ze2y6q466xqmz2n3hs"
            + "77lddeqyta2nch5k2u5yacuk9ywnwfdzvyejnucz724hj77hrrmakm7pr3kxsrxq22ejexlud9fy2kdqmkg5yncz7jm5wv2q"
            + "jk5w5kvcpqsry2yqffh2la52dxfjkjq5rzhjzeyn6dupn0qwtyv7s4lwg3xdarsdlwe2y3tujy480y7z39q259fzx6jhd2j0"
            + "f5hagqpcpees7hzc2yrk5cy788uk3s7qvp5cpepx24gvws3m2g433exgwppnkjscec8qu4y9z9r7vccexjcjaen42245lmgm"
            + "xmuavg9alej92322gvvyy2t6267v09ch64y0m53jff0vjj96s0ypk60hr3jw4myd6m5hpn3xjstx7tl2szhpr5qe8jj08ydj"
            + "c4wy2rch2fhuy3pdfjax5awe9j99ly5hkntzz9fe5zatgjvzdd0kgtxs25njnajyf6ssekp7gelxquusn4pt25czh3scj68k"
            + "q79wdn5tgm6yvm9nzavrg043x3msnygf8dweknw5jmqd0uvny6ttsn09508k0c55zfnegrm9efhxpfqdkmhh6gjtqmwze9py"
            + "yzk3tlhl53k2ykx3qheyty7saeq0d3fzv49zc0k";

    @Test
    void x25519IdentityGivesTheSpecRecipient() throws AgeException {
        Identity id = Identity.parse(SPEC_X25519_IDENTITY);
        assertTrue(id instanceof X25519Identity);
        assertEquals(SPEC_X25519_RECIPIENT, id.recipient().toString());
        assertEquals(SPEC_X25519_IDENTITY, id.secretKeyString());
        assertEquals(id.recipient(), Recipient.parse(SPEC_X25519_RECIPIENT));
    }

    @Test
    void hybridIdentityGivesTheSpecRecipient() throws AgeException {
        Identity id = Identity.parse(SPEC_PQ_IDENTITY);
        assertTrue(id instanceof HybridIdentity);
        assertEquals(SPEC_PQ_RECIPIENT, id.recipient().toString());
        assertEquals(SPEC_PQ_IDENTITY, id.secretKeyString());
        assertEquals(id.recipient(), Recipient.parse(SPEC_PQ_RECIPIENT));
        assertTrue(id.recipient().isPostQuantum());
    }

    @Test
    void keysAreCaseSensitiveAsAgeWritesThem() {
        assertThrows(AgeException.class, () -> Identity.parse(SPEC_X25519_IDENTITY.toLowerCase()));
        assertThrows(AgeException.class, () -> Recipient.parse(SPEC_X25519_RECIPIENT.toUpperCase()));
    }

    @Test
    void wrongKindsOfKeyAreNamed() {
        AgeException e = assertThrows(AgeException.class, () -> Recipient.parse(SPEC_X25519_IDENTITY));
        assertTrue(e.getMessage().contains("identity"), e.getMessage());
        e = assertThrows(AgeException.class, () -> Identity.parse(SPEC_X25519_RECIPIENT));
        assertTrue(e.getMessage().contains("recipient"), e.getMessage());
        e = assertThrows(AgeException.class, () -> Recipient.parse("age1yubikey1qwerty"));
        assertTrue(e.getMessage().contains("plugin"), e.getMessage());
        e = assertThrows(AgeException.class, () -> Recipient.parse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"));
        assertTrue(e.getMessage().contains("SSH"), e.getMessage());
    }

    @Test
    void damagedKeysFailWithoutQuotingThem() {
        String bad = SPEC_X25519_IDENTITY.substring(0, 30) + "Q" + SPEC_X25519_IDENTITY.substring(31);
        AgeException e = assertThrows(AgeException.class, () -> Identity.parse(bad));
        assertEquals(AgeException.Kind.KEY_FORMAT, e.kind());
        KeyFilesTest.assertNoKeyMaterial(e.getMessage(), bad);
        String truncated = SPEC_PQ_RECIPIENT.substring(0, SPEC_PQ_RECIPIENT.length() - 1);
        e = assertThrows(AgeException.class, () -> Recipient.parse(truncated));
        KeyFilesTest.assertNoKeyMaterial(e.getMessage(), truncated);
    }
}
