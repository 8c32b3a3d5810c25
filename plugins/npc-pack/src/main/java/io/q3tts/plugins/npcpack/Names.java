package io.q3tts.plugins.npcpack;

import io.q3tts.ports.model.InvalidArgumentException;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns character and line ids into names every game engine and file system accepts: lower case
 * {@code [a-z0-9_-]}, starting and ending with a letter or digit, at most {@value #MAX_LENGTH}
 * characters. Accents are dropped and runs of anything else become one {@code _}. Ids that try to
 * be paths ({@code /}, {@code \}, {@code ..}) or Windows device names are refused, not rewritten.
 */
final class Names {

    /** Longest id: leaves room for {@code .wav} and prefixes within the 64-character path segment limit. */
    static final int MAX_LENGTH = 48;

    private static final Pattern OTHER = Pattern.compile("[^a-z0-9_-]+");
    private static final Pattern UNDERSCORES = Pattern.compile("_{2,}");
    private static final Pattern DEVICE = Pattern.compile("(con|prn|aux|nul|com[0-9]|lpt[0-9])");
    private static final Set<Character> EDGE = Set.of('_', '-');

    private Names() {
    }

    /**
     * @param raw the id as written
     * @param what what it names, for the error (e.g. {@code "line id"})
     * @param field the request field
     * @param where the row or entry, for the error
     * @return the engine-friendly id
     * @throws InvalidArgumentException naming {@code field} and {@code where} if it cannot be one
     */
    static String sanitise(String raw, String what, String field, String where) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidArgumentException(field, where + ": " + what + " is required.");
        }
        String s = raw.strip();
        if (s.indexOf('/') >= 0 || s.indexOf('\\') >= 0 || s.contains("..")) {
            throw new InvalidArgumentException(field, where + ": " + what + " '" + shorten(s)
                    + "' must not contain '/', '\\' or '..' (it becomes a file name in the pack).");
        }
        String plain = Normalizer.normalize(s, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
        String id = UNDERSCORES.matcher(OTHER.matcher(plain).replaceAll("_")).replaceAll("_");
        int start = 0;
        int end = id.length();
        while (start < end && EDGE.contains(id.charAt(start))) {
            start++;
        }
        while (end > start && EDGE.contains(id.charAt(end - 1))) {
            end--;
        }
        id = id.substring(start, end);
        if (id.isEmpty()) {
            throw new InvalidArgumentException(field, where + ": " + what + " '" + shorten(s)
                    + "' has no letter or digit (a-z, 0-9) to make a file name from.");
        }
        if (id.length() > MAX_LENGTH) {
            throw new InvalidArgumentException(field, where + ": " + what + " '" + shorten(s) + "' is longer than "
                    + MAX_LENGTH + " characters.");
        }
        if (DEVICE.matcher(id).matches()) {
            throw new InvalidArgumentException(field, where + ": " + what + " '" + shorten(s)
                    + "' is a reserved device name on Windows; choose another.");
        }
        return id;
    }

    /**
     * @param s any text
     * @return it cut to 40 characters for an error message
     */
    static String shorten(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() <= 40 ? one : one.substring(0, 37) + "...";
    }
}
