package io.q3tts.ports.out.tokenizer;

import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.SpeechCodes;

/**
 * Driven port: the 12 Hz speech tokenizer (codec) of a loaded model: audio to codec codes and
 * back. Offered by a loaded model that serves {@code ModelTask.TOKENIZER}; see
 * {@code io.q3tts.ports.out.catalog.LoadedModel#speechTokenizer()}.
 *
 * <p>Implementations are thread-safe; whether calls run in parallel is theirs to decide. The
 * domain calls them from the scheduler's tokenizer lane, which bounds the concurrency.
 */
public interface SpeechTokenizer {

    /** @return the sample rate of decoded audio (24000 for Qwen3-TTS), &gt; 0 */
    int sampleRate();

    /** @return codec frames per second of audio (12.5), &gt; 0 */
    double frameRate();

    /** @return codebooks per frame (16), &gt; 0 */
    int codebooks();

    /**
     * Encodes audio to codes. Audio at another rate is resampled by the implementation.
     *
     * @param audio mono audio, never null
     * @param cancellation never null
     * @return codes with {@link #codebooks()} columns, never null
     * @throws InvalidArgumentException (field {@code audio}) if the audio is empty or too long
     * @throws CancelledException if cancelled
     * @throws ModelException if inference fails
     */
    SpeechCodes encode(PcmAudio audio, CancellationToken cancellation);

    /**
     * Decodes codes to audio at {@link #sampleRate()}.
     *
     * @param codes codes with {@link #codebooks()} columns, never null
     * @param cancellation never null
     * @return the waveform, never null
     * @throws InvalidArgumentException (field {@code codes}) on a wrong codebook count or an index out of range
     * @throws CancelledException if cancelled
     * @throws ModelException if inference fails
     */
    PcmAudio decode(SpeechCodes codes, CancellationToken cancellation);
}
