package io.q3tts.adapters.inference.onnx.io;

import java.io.IOException;

/**
 * Audio input that cannot be decoded: not a WAV file, truncated, corrupt, or an encoding this
 * reader does not handle. The message is written for end users and can be shown as is.
 */
public final class InvalidAudioException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message a user-facing sentence saying what is wrong */
    public InvalidAudioException(String message) {
        super(message);
    }
}
