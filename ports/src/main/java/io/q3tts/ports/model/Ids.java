package io.q3tts.ports.model;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Rules for the ids of voices, outputs, jobs and models. Ids appear in URLs and, in the storage
 * adapters, as folder names, so they are restricted to a path-safe alphabet.
 *
 * <p>An id is 1 to 64 characters of {@code [a-z0-9._-]} (upper case is accepted for model ids),
 * starts with a letter or digit, and is never {@code "."} or {@code ".."}.
 */
public final class Ids {

    /** The longest id accepted. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern NOT_SLUG = Pattern.compile("[^a-z0-9]+");

    private Ids() {
    }

    /**
     * @param value a candidate id, may be null
     * @return whether it is a well-formed, path-safe id
     */
    public static boolean isSafe(String value) {
        return value != null && SAFE.matcher(value).matches() && !value.contains("..");
    }

    /**
     * @param value the id to check
     * @param field the request field, for the error
     * @return {@code value}, unchanged
     * @throws InvalidArgumentException naming {@code field} if it is missing or not path-safe
     */
    public static String requireSafe(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidArgumentException(field, field + " is required.");
        }
        if (!isSafe(value)) {
            throw new InvalidArgumentException(field, field + " must be 1 to " + MAX_LENGTH
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit; got '" + value + "'.");
        }
        return value;
    }

    /**
     * Derives a lower-case id from a display name: accents stripped, runs of other characters
     * replaced by {@code -}, trimmed to {@link #MAX_LENGTH}.
     *
     * @param name a display name such as {@code "Grumpy Old Wizard"}
     * @param field the request field the name came from, for the error
     * @return e.g. {@code "grumpy-old-wizard"}
     * @throws InvalidArgumentException naming {@code field} if the name has no letter or digit
     */
    public static String slug(String name, String field) {
        String plain = name == null ? "" : Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        String slug = NOT_SLUG.matcher(plain.toLowerCase(Locale.ROOT)).replaceAll("-");
        slug = trimDashes(slug);
        if (slug.length() > MAX_LENGTH) {
            slug = trimDashes(slug.substring(0, MAX_LENGTH));
        }
        if (slug.isEmpty()) {
            throw new InvalidArgumentException(field, field + " must contain at least one letter or digit (a-z, 0-9).");
        }
        return slug;
    }

    private static String trimDashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '-') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '-') {
            end--;
        }
        return s.substring(start, end);
    }

    /**
     * @param path a relative file path such as {@code lines/0001-alice.wav}
     * @return whether it is 1 to 4 path-safe segments separated by {@code /}, at most 200 characters
     */
    public static boolean isSafeRelativePath(String path) {
        if (path == null || path.isEmpty() || path.length() > 200) {
            return false;
        }
        String[] segments = path.split("/", -1);
        if (segments.length > 4) {
            return false;
        }
        for (String segment : segments) {
            if (!isSafe(segment)) {
                return false;
            }
        }
        return true;
    }
}
