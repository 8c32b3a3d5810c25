package io.q3tts.ports.model;

import java.util.Objects;

/**
 * An audio file received from a client (multipart upload, base64 field, CLI file), not yet
 * decoded. The {@code AudioDecoder} driven port turns it into {@link PcmAudio}; undecodable data
 * fails with {@link UnsupportedMediaException} naming {@link #field()}.
 *
 * <p>The array is handed over, not copied; treat it as read-only.
 *
 * @param field the request field it came from (e.g. {@code "ref_audio"}), used in errors; not blank
 * @param bytes the file content, never null, not empty
 * @param filename the client's file name, or null; a hint only
 * @param mediaType the client's declared media type (e.g. {@code "audio/wav"}), or null; a hint only
 */
public record AudioUpload(String field, byte[] bytes, String filename, String mediaType) {

    /**
     * Validates.
     *
     * @throws InvalidArgumentException naming {@code field} if the content is missing or empty
     */
    public AudioUpload {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("field must not be blank");
        }
        if (bytes == null || bytes.length == 0) {
            throw new InvalidArgumentException(field, field + " must be a non-empty audio file.");
        }
    }

    /**
     * @param field the request field, not blank
     * @param bytes the file content
     * @return an upload without name or media-type hints
     */
    public static AudioUpload of(String field, byte[] bytes) {
        return new AudioUpload(field, bytes, null, null);
    }

    /** @return {@code bytes.length} */
    public int size() {
        return Objects.requireNonNull(bytes).length;
    }
}
