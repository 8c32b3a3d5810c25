package io.q3tts.ports.in.tokenizer;

import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.model.UnsupportedMediaException;

/**
 * Use case: audio file to speech-tokenizer codes. Blocking; runs in the scheduler's tokenizer
 * lane (its own concurrency limit, or the GPU lane if configured so), not as a listed job.
 * Thread-safe.
 */
public interface EncodeSpeechTokensUseCase {

    /**
     * @param command the validated command, never null
     * @param cancellation never null
     * @return the codes, never null
     * @throws UnsupportedMediaException (field {@code audio}) if the file cannot be decoded
     * @throws NotFoundException (field {@code model}) if the model is not installed
     * @throws UnsupportedException (field {@code model}) if it does not serve TOKENIZER
     * @throws OverloadedException if the tokenizer lane's queue is full
     * @throws CancelledException if cancelled
     * @throws ModelException if inference fails
     */
    EncodeSpeechResult encodeSpeech(EncodeSpeechCommand command, CancellationToken cancellation);
}
