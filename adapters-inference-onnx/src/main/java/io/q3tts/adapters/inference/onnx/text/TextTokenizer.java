package io.q3tts.adapters.inference.onnx.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Byte-level BPE tokenization from a bundle's {@code tokenizer.json}, configured like the
 * official processor call: no special tokens added, no truncation, no padding. The prompt
 * templates already contain their special tokens as text ({@code <|im_start|>} and so on), and
 * the file's added-token table maps them to their ids.
 *
 * <p>Truncation must be off explicitly: DJL otherwise cuts every input to 512 tokens.
 *
 * <p>Thread-safe: the native tokenizer is immutable after loading. Close it to free native memory.
 */
public final class TextTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;

    private TextTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * @param tokenizerJson a Hugging Face {@code tokenizer.json}
     * @return the loaded tokenizer
     * @throws IOException if the file is missing or not a valid tokenizer
     */
    public static TextTokenizer load(Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IOException("tokenizer file not found: " + tokenizerJson);
        }
        Map<String, String> options = Map.of(
                "addSpecialTokens", "false",
                "truncation", "false",
                "padding", "false");
        try {
            return new TextTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options));
        } catch (RuntimeException e) {
            // The native side reports parse errors as unchecked exceptions; callers expect an IOException for a bad file.
            throw new IOException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param text any text, including special-token markup such as {@code <|im_start|>}
     * @return the token ids, never null
     */
    public long[] encode(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        return encoding.getIds();
    }

    /**
     * @param ids token ids
     * @return the decoded text, special tokens included
     */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
