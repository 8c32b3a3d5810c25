package io.q3tts.ports.in.tokenizer;

import io.q3tts.ports.model.EncodedAudio;
import java.util.Objects;

/**
 * Audio decoded from codes.
 *
 * @param modelId the model that decoded it, never null
 * @param audio the audio in the requested format, never null
 */
public record DecodeSpeechResult(String modelId, EncodedAudio audio) {

    /** @throws NullPointerException if a field is null */
    public DecodeSpeechResult {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(audio, "audio");
    }
}
