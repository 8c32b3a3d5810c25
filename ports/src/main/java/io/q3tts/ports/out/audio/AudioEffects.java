package io.q3tts.ports.out.audio;

import io.q3tts.ports.model.PcmAudio;

/**
 * Driven port: signal-level edits of decoded audio that the domain applies to synthesized speech
 * before it is stored, such as the OpenAI-compatible {@code speed}.
 *
 * <p>Implementations are thread-safe and stateless. The work is CPU-bound; the domain does it on
 * the job's worker thread after the GPU work is done.
 */
public interface AudioEffects {

    /**
     * Changes the tempo without changing the pitch.
     *
     * @param audio mono audio, never null; not modified
     * @param speed tempo factor in [0.25, 4]: 2 is twice as fast, so half as long
     * @return audio at the same sample rate holding {@code round(samples / speed)} samples; an equal
     *     copy when {@code speed} is 1
     */
    PcmAudio changeTempo(PcmAudio audio, double speed);
}
