package btrfss3.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesAndReadsBackEveryKindOfValue() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n\u0001é😀");
        m.put("n", 9007199254740993L);
        m.put("neg", -5L);
        m.put("d", 1.5);
        m.put("t", true);
        m.put("nil", null);
        m.put("list", Arrays.asList(1L, "x", null, List.of()));
        m.put("obj", Map.of());
        String text = Json.write(m);
        assertEquals("{\"s\":\"a\\\"b\\\\c\\n\\u0001é😀\",\"n\":9007199254740993,\"neg\":-5,\"d\":1.5,\"t\":true,"
                + "\"nil\":null,\"list\":[1,\"x\",null,[]],\"obj\":{}}", text);
        assertEquals(m, Json.parse(text));
        assertEquals(m, Json.parse(" \n" + text.replace(",", " , ") + "\t"));
    }

    @Test
    void refusesWhatIsNotExactlyOneValue() {
        for (String bad : List.of("", "{", "{\"a\":1,}", "[1,]", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "\"\u0001\"",
                "'a'", "{a:1}", "nul", "1.2.3", "\"\\x\"", "\"\\u12\"", "[".repeat(40) + "]".repeat(40))) {
            assertThrows(Json.JsonException.class, () -> Json.parse(bad), bad);
        }
        assertThrows(Json.JsonException.class, () -> Json.parseObject("[1]"));
    }

    @Test
    void escapesLoneSurrogatesSoTheOutputIsValidUtf8() {
        assertEquals("\"\\ud800x\"", Json.write("\ud800x"));
    }
}
