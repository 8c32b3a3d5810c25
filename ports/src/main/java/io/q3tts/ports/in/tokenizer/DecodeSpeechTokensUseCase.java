package io.q3tts.ports.in.tokenizer;

import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.model.UnsupportedException;

/** Use case: speech-tokenizer codes to audio. Blocking; tokenizer lane. Thread-safe. */
public interface DecodeSpeechTokensUseCase {

    /**
     * @param command the validated command, never null
     * @param cancellation never null
     * @return the audio, never null
     * @throws InvalidArgumentException (field {@code codes}) on a wrong codebook count or index
     * @throws NotFoundException (field {@code model}) if the model is not installed
     * @throws UnsupportedException if it does not serve TOKENIZER, or the format cannot be encoded
     * @throws OverloadedException if the tokenizer lane's queue is full
     * @throws CancelledException if cancelled
     * @throws ModelException if inference fails
     */
    DecodeSpeechResult decodeSpeech(DecodeSpeechCommand command, CancellationToken cancellation);
}
