package io.q3tts.adapters.inference.onnx.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.adapters.inference.onnx.text.TextTokenizer;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The Java tokenizer gives the official processor's ids for every fixture string: scripts, emoji,
 * CamelCase, contractions, Unicode spaces, CRLF and leading newlines (spec pitfalls 1 and 2).
 */
class TokenizerParityTest {

    @Test
    void everyFixtureTextEncodesToTheOfficialIds() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(TestPaths.fixtures().resolve("tokenizer_ids.json").toFile()).get("cases");
        int checked = 0;
        for (String model : new String[] {"custom-voice", "voice-design", "base"}) {
            try (TextTokenizer tok = TextTokenizer.load(TestPaths.bundle(model).resolve("tokenizer.json"))) {
                for (JsonNode c : cases) {
                    long[] want = new long[c.get("ids").size()];
                    for (int i = 0; i < want.length; i++) {
                        want[i] = c.get("ids").get(i).asLong();
                    }
                    String text = c.get("text").asText();
                    assertArrayEquals(want, tok.encode(text), model + ": " + text);
                    checked++;
                }
            }
        }
        assertTrue(checked >= 60, "too few tokenizer fixtures: " + checked);
    }
}
