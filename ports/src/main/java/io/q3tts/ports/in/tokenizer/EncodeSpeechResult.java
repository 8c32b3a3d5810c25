package io.q3tts.ports.in.tokenizer;

import io.q3tts.ports.model.SpeechCodes;
import java.util.Objects;

/**
 * Codes of an encoded file.
 *
 * @param modelId the model that encoded it, never null
 * @param codes {@code [frames][16]}, never null
 * @param audioSeconds the length of the input audio
 */
public record EncodeSpeechResult(String modelId, SpeechCodes codes, double audioSeconds) {

    /** @throws NullPointerException if a field is null */
    public EncodeSpeechResult {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(codes, "codes");
    }
}
