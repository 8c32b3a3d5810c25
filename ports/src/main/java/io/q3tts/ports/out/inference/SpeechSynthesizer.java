package io.q3tts.ports.out.inference;

import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.model.UnsupportedMediaException;

/**
 * Driven port: turns text into speech with one loaded Qwen3-TTS model.
 *
 * <p>Implementations are thread-safe. Whether concurrent calls run in parallel, queue, or are
 * refused with {@link OverloadedException} is the implementation's policy. The implementation
 * owns its model resources; whoever created it closes it (this port does not expose a lifecycle).
 */
public interface SpeechSynthesizer {

    /** @return what the loaded model supports; never null, cheap, and constant for the instance's lifetime */
    SynthesizerInfo info();

    /**
     * Synthesizes one request, blocking until the audio is complete.
     *
     * @param request the validated request, never null
     * @param listener receives progress and audio chunks before this method returns, never null
     *     (use {@link SynthesisListener#NONE})
     * @param cancellation polled between generation steps, never null
     * @return the complete audio, never null
     * @throws InvalidArgumentException if a field is invalid for this model (unknown speaker or
     *     language, a missing or too short reference clip, an unusable saved voice)
     * @throws UnsupportedMediaException if the reference clip is not a readable audio file
     * @throws NotFoundException if a {@link VoicePrompt.Saved} voice does not exist
     * @throws UnsupportedException if the model does not serve {@link SynthesisRequest#task()}
     * @throws CancelledException if {@code cancellation} was cancelled before the audio was complete
     * @throws OverloadedException if the implementation refuses more concurrent work
     * @throws ModelException if inference fails
     */
    SynthesisResult synthesize(SynthesisRequest request, SynthesisListener listener, CancellationToken cancellation);

    /**
     * Synthesizes one request that cannot be cancelled; otherwise as
     * {@link #synthesize(SynthesisRequest, SynthesisListener, CancellationToken)}.
     *
     * @param request the validated request, never null
     * @param listener never null
     * @return the complete audio, never null
     */
    default SynthesisResult synthesize(SynthesisRequest request, SynthesisListener listener) {
        return synthesize(request, listener, CancellationToken.none());
    }
}
