package io.q3tts.ports.out.catalog;

import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.NotFoundException;

/**
 * Driven port: loads a bundle into memory (RAM or GPU) and hands back a {@link LoadedModel}.
 *
 * <p>Only the domain's residency manager calls this; it decides how many models are resident at
 * once, evicts the least recently used one, and waits for in-flight work before it
 * {@linkplain LoadedModel#close() closes} a model. Implementations therefore need no policy of
 * their own.
 *
 * <p>Implementations are thread-safe; the residency manager never loads the same id twice
 * concurrently, but may load different ids concurrently.
 *
 * <p><b>Saved voices.</b> A synthesizer obtained from a loaded model must resolve
 * {@code VoicePrompt.Saved(voiceId)}: the implementation is constructed (by the composition root)
 * with the {@code io.q3tts.ports.out.voice.VoiceRepository}, reads the stored prompt with
 * {@code loadPrompt(voiceId, encoder.cacheKey())}, and on a miss encodes
 * {@code referenceClip(voiceId)} with the voice's transcript and stores the result with
 * {@code savePrompt}. An unknown voice id is {@link NotFoundException} (field {@code voice}).
 */
public interface ModelLoader {

    /**
     * Loads a model. Blocks until it is ready (seconds for a real bundle).
     *
     * @param model the bundle to load, as listed by {@link ModelCatalog}; never null
     * @return the loaded model; the caller owns it and must close it
     * @throws NotFoundException if the bundle disappeared since it was listed
     * @throws ModelException if the bundle is broken or the device is out of memory
     */
    LoadedModel load(ModelDescriptor model);
}
