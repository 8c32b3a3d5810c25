package io.q3tts.adapters.audio;

/** A codec could not read its input; the decoder turns it into an {@code UnsupportedMediaException}. */
final class MediaFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    MediaFormatException(String message) {
        super(message);
    }

    MediaFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
