package io.q3tts.ports.out.inference;

import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.UnsupportedMediaException;

/**
 * Driven port: turns a reference recording into a reusable {@link ClonePrompt} with a Base model
 * (the official {@code create_voice_clone_prompt}). Offered by a loaded model that serves
 * {@link TaskType#VOICE_CLONE}; see {@code io.q3tts.ports.out.catalog.LoadedModel#clonePromptEncoder()}.
 *
 * <p>Implementations are thread-safe. Runs the speaker encoder and, in ICL mode, the codec
 * encoder: GPU work, so the domain only calls it from inside a scheduled job.
 */
public interface ClonePromptEncoder {

    /**
     * @return the {@link ClonePrompt#cacheKey()} this encoder produces; constant for the instance,
     *     so a stored prompt can be looked up before deciding whether to encode
     */
    String cacheKey();

    /**
     * Encodes one reference.
     *
     * @param reference the recording (a WAV file) and, in ICL mode, its transcript; never null
     * @param cancellation polled between steps, never null
     * @return the prompt, never null; its {@code cacheKey} equals {@link #cacheKey()}
     * @throws InvalidArgumentException if the reference is too short, silent or otherwise unusable
     *     (field {@code ref_audio} or {@code ref_text})
     * @throws UnsupportedMediaException if the file is not a readable WAV
     * @throws CancelledException if cancelled
     * @throws ModelException if inference fails
     */
    ClonePrompt encode(VoicePrompt.ReferenceAudio reference, CancellationToken cancellation);
}
