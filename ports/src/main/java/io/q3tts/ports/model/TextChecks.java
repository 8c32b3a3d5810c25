package io.q3tts.ports.model;

/**
 * Refuses text that carries control characters: a NUL or an escape sequence in a synthesis input or
 * a voice name is never what a person typed, is invisible in listings and logs, and can confuse
 * terminals and the tokenizer. Narration and script reading refuse binary uploads the same way.
 */
public final class TextChecks {

    private TextChecks() {
    }

    /**
     * @param value text, or null (returned as is)
     * @param field the API field, for the message
     * @param multiLine whether tab, line feed and carriage return are allowed
     * @return {@code value}
     * @throws InvalidArgumentException naming {@code field} and the first offending character
     */
    public static String requireNoControl(String value, String field, boolean multiLine) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowedSpace = multiLine && (c == '\t' || c == '\n' || c == '\r');
            if ((c < 0x20 && !allowedSpace) || (c >= 0x7F && c <= 0x9F)) {
                throw new InvalidArgumentException(field, String.format(
                        "%s contains the control character U+%04X at position %d; send plain text%s.", field, (int) c, i,
                        multiLine ? "" : " on one line"));
            }
        }
        return value;
    }
}
