package io.q3tts.ports.in.tokenizer;

import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;

/**
 * Encode an audio file to speech-tokenizer codes.
 *
 * @param modelId a model serving TOKENIZER (field {@code model}); null lets the domain pick
 * @param audio the file (field {@code audio}), never null
 */
public record EncodeSpeechCommand(String modelId, AudioUpload audio) {

    /** @throws InvalidArgumentException naming {@code model} or {@code audio} */
    public EncodeSpeechCommand {
        modelId = modelId == null || modelId.isBlank() ? null : Ids.requireSafe(modelId.strip(), "model");
        if (audio == null) {
            throw new InvalidArgumentException("audio", "audio is required.");
        }
    }
}
