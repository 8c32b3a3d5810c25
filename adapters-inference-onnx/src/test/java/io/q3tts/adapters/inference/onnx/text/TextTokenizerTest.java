package io.q3tts.adapters.inference.onnx.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against the committed demo bundle's {@code tokenizer.json} (the official processor's). */
class TextTokenizerTest {

    private static TextTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = TextTokenizer.load(
                io.q3tts.adapters.inference.onnx.engine.TestPaths.bundle("custom-voice").resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Test
    void givenMixedScriptText_whenEncoded_thenQwenIdsWithoutSpecialTokens() {
        long[] ids = tokenizer.encode("Hello world, 你好世界");
        assertArrayEquals(new long[] {9707, 1879, 11, 220, 108386, 99489}, ids);
        assertEquals("Hello world, 你好世界", tokenizer.decode(ids));
    }

    @Test
    void givenSpecialTokenMarkup_whenEncoded_thenAddedTokensMapToTheirIds() {
        assertArrayEquals(new long[] {151644, 77091, 198}, tokenizer.encode("<|im_start|>assistant\n"));
    }

    @Test
    void givenTextLongerThan512Tokens_whenEncoded_thenNothingIsTruncated() {
        String text = "Hello world," + " Hello world,".repeat(299);
        long[] ids = tokenizer.encode(text);
        assertTrue(ids.length >= 900, "tokens: " + ids.length);
        assertEquals(9707, ids[0]);
        assertEquals(11, ids[ids.length - 1]);
        assertEquals(text, tokenizer.decode(ids));
    }

    @Test
    void givenMissingFile_whenLoaded_thenIOException(@TempDir Path dir) {
        assertThrows(IOException.class, () -> TextTokenizer.load(dir.resolve("nope.json")));
    }
}
