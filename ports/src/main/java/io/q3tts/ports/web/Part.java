package io.q3tts.ports.web;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One part of a {@code multipart/form-data} body: a file or a plain form field.
 *
 * <p>The array is handed over, not copied; read-only. The HTTP adapter enforces the configured
 * upload limit before building parts ({@code PAYLOAD_TOO_LARGE}).
 *
 * @param name the form field name, never null
 * @param filename the client's file name, or null for a plain field
 * @param contentType the part's media type, or null
 * @param content the bytes, never null
 */
public record Part(String name, String filename, String contentType, byte[] content) {

    /** @throws NullPointerException if {@code name} or {@code content} is null */
    public Part {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
    }

    /** @return whether this part is an uploaded file (has a file name) */
    public boolean isFile() {
        return filename != null;
    }

    /** @return the content as UTF-8 text (for plain form fields) */
    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }
}
