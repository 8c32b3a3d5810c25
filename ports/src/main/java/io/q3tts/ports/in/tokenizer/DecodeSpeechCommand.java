package io.q3tts.ports.in.tokenizer;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.SpeechCodes;

/**
 * Decode speech-tokenizer codes to audio.
 *
 * @param modelId a model serving TOKENIZER (field {@code model}); null lets the domain pick
 * @param codes the codes (field {@code codes}), at least one frame
 * @param format the container of the result (field {@code response_format}); null means WAV
 */
public record DecodeSpeechCommand(String modelId, SpeechCodes codes, AudioFormat format) {

    /** The most frames one call decodes: 12000, i.e. 16 minutes of audio. */
    public static final int MAX_FRAMES = 12_000;

    /** @throws InvalidArgumentException naming {@code model} or {@code codes} */
    public DecodeSpeechCommand {
        modelId = modelId == null || modelId.isBlank() ? null : Ids.requireSafe(modelId.strip(), "model");
        if (codes == null || codes.frameCount() == 0) {
            throw new InvalidArgumentException("codes", "codes must hold at least one frame.");
        }
        if (codes.frameCount() > MAX_FRAMES) {
            throw new InvalidArgumentException("codes", "codes must hold at most " + MAX_FRAMES + " frames, got "
                    + codes.frameCount() + ".");
        }
        format = format == null ? AudioFormat.WAV : format;
    }
}
