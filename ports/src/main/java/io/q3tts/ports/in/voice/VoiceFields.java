package io.q3tts.ports.in.voice;

import io.q3tts.ports.model.InvalidArgumentException;

/** Limits and checks shared by the voice commands. */
public final class VoiceFields {

    /** Longest voice name, in characters. */
    public static final int MAX_NAME_LENGTH = 64;
    /** Longest description, in characters. */
    public static final int MAX_DESCRIPTION_LENGTH = 2000;
    /** Longest transcript, in characters. */
    public static final int MAX_TRANSCRIPT_LENGTH = 2000;

    private VoiceFields() {
    }

    /**
     * @param name a display name
     * @return it, stripped
     * @throws InvalidArgumentException (field {@code name}) if blank, too long or holding control characters
     */
    public static String name(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidArgumentException("name", "name is required.");
        }
        String n = name.strip();
        if (n.length() > MAX_NAME_LENGTH) {
            throw new InvalidArgumentException("name", "name must be at most " + MAX_NAME_LENGTH + " characters.");
        }
        return io.q3tts.ports.model.TextChecks.requireNoControl(n, "name", false);
    }

    /**
     * @param value text or null
     * @param field its field name
     * @param max the longest allowed
     * @return it, or null if null
     * @throws InvalidArgumentException naming {@code field} if too long
     */
    public static String maxLength(String value, String field, int max) {
        if (value != null && value.length() > max) {
            throw new InvalidArgumentException(field, field + " must be at most " + max + " characters.");
        }
        return value;
    }
}
