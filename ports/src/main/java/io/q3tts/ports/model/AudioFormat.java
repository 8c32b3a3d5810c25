package io.q3tts.ports.model;

import java.util.Locale;

/**
 * The audio containers the platform can deliver, named as in the OpenAI {@code response_format}
 * field. Which ones a running build can actually encode is the {@code AudioEncoder}'s business
 * (an unsupported one is reported as {@link ErrorType#UNSUPPORTED}).
 */
public enum AudioFormat {
    /** RIFF WAVE, 16-bit signed little-endian PCM, mono. The storage and default format. */
    WAV("wav", "audio/wav"),
    /** Headerless 16-bit signed little-endian PCM, mono, at the model's rate (24 kHz). */
    PCM("pcm", "audio/pcm"),
    /** FLAC, lossless, mono. */
    FLAC("flac", "audio/flac"),
    /** MPEG-1 Layer III. */
    MP3("mp3", "audio/mpeg"),
    /** Opus in an Ogg container. */
    OPUS("opus", "audio/ogg");

    private final String key;
    private final String mediaType;

    AudioFormat(String key, String mediaType) {
        this.key = key;
        this.mediaType = mediaType;
    }

    /** @return the lower-case API spelling and file extension, e.g. {@code "mp3"} */
    public String key() {
        return key;
    }

    /** @return the media type for {@code Content-Type}, e.g. {@code "audio/mpeg"} */
    public String mediaType() {
        return mediaType;
    }

    /**
     * Parses the API spelling.
     *
     * @param value a key such as {@code "wav"} (case-insensitive, trimmed); null or blank gives {@link #WAV}
     * @param field the request field the value came from, for the error
     * @return the format
     * @throws InvalidArgumentException naming {@code field} if the value is not a known format
     */
    public static AudioFormat parse(String value, String field) {
        if (value == null || value.isBlank()) {
            return WAV;
        }
        String key = value.strip().toLowerCase(Locale.ROOT);
        for (AudioFormat f : values()) {
            if (f.key.equals(key)) {
                return f;
            }
        }
        throw new InvalidArgumentException(field, field + " must be one of wav, pcm, flac, mp3, opus; got '" + value + "'.");
    }
}
