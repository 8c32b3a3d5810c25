package io.q3tts.lib.text;

import com.ibm.icu.text.CharsetDetector;
import com.ibm.icu.text.CharsetMatch;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns an uploaded text file's bytes into text the way a careful reader would, and always says
 * which encoding it used. In order: an encoding the user named wins; else a byte-order mark
 * (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) decides and is dropped; else bytes that are valid UTF-8 are
 * UTF-8; else ICU's {@link CharsetDetector} (byte statistics per legacy code page and language)
 * picks the code page, and that guess is always reported as one. Bytes that do not fit the
 * chosen encoding become U+FFFD with a warning, never an exception: what is binary is for the caller
 * to decide ({@link #controlShare}). Stateless and thread-safe.
 */
public final class TextDecoder {

    /**
     * A decoded file.
     *
     * @param text the text, byte-order mark removed
     * @param encoding the encoding used, as Java names it (e.g. {@code UTF-8}, {@code UTF-16LE}, {@code windows-1250})
     * @param source how it was chosen: {@code declared}, {@code bom}, {@code utf-8} (valid UTF-8) or {@code detected}
     * @param confidence ICU's confidence 0..100 for a detected encoding, 100 otherwise
     * @param warnings what a user should know (a guess, replaced bytes), never null
     */
    public record Decoded(String text, String encoding, String source, int confidence, List<String> warnings) {

        /** Copies the warnings. */
        public Decoded {
            warnings = List.copyOf(warnings);
        }
    }

    /** A BOM-less UTF-16/32 guess below this confidence is noise (ICU gives every input 10). */
    static final int UNMARKED_UTF16_CONFIDENCE = 60;
    /** How far another code page must out-score windows-1252 to be chosen over it. */
    static final int LATIN_MARGIN = 10;

    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private TextDecoder() {
    }

    /**
     * @param data the file's bytes, never null
     * @param declared the encoding the user named, or null/blank/{@code auto} to find it
     * @return the text and how it was decoded
     * @throws IllegalArgumentException if {@code declared} is not an encoding this JVM knows
     */
    public static Decoded decode(byte[] data, String declared) {
        List<String> warnings = new ArrayList<>();
        if (declared != null && !declared.isBlank() && !declared.strip().equalsIgnoreCase("auto")) {
            Charset cs = charset(declared.strip());
            String text = lenient(data, cs, bomLength(data, cs), warnings);
            return new Decoded(text, cs.name(), "declared", 100, warnings);
        }
        Bom bom = bom(data);
        if (bom != null) {
            String text = lenient(data, bom.charset, bom.length, warnings);
            return new Decoded(text, bom.charset.name(), "bom", 100, warnings);
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
            return new Decoded(text, StandardCharsets.UTF_8.name(), "utf-8", 100, warnings);
        } catch (CharacterCodingException e) {
            // Not UTF-8: a legacy code page, found from the byte statistics below.
        }
        CharsetDetector detector = new CharsetDetector();
        // Markup (subtitle <i> tags, HTML entities) says nothing about the language, so it is left out of the statistics.
        detector.enableInputFilter(true);
        detector.setText(data);
        Charset chosen = null;
        int confidence = 0;
        Charset latin = null;
        int latinConfidence = 0;
        for (CharsetMatch m : detector.detectAll()) {
            Charset cs = known(m.getName());
            if (cs == null || cs.equals(StandardCharsets.UTF_8)
                    || (cs.name().startsWith("UTF-") && m.getConfidence() < UNMARKED_UTF16_CONFIDENCE)) {
                continue;
            }
            boolean isLatin = cs.name().equals("ISO-8859-1") || cs.name().equals("windows-1252");
            if (chosen == null) {
                chosen = cs;
                confidence = m.getConfidence();
            }
            if (isLatin && latin == null) {
                latin = WINDOWS_1252;
                latinConfidence = m.getConfidence();
            }
        }
        if (chosen == null || chosen.name().equals("ISO-8859-1") || chosen.name().equals("windows-1252")
                || (latin != null && confidence - latinConfidence < LATIN_MARGIN)) {
            // Western European text is the commonest legacy file by far, and short texts score close across code
            // pages ("Café déjà vu" ties windows-1252 with ISO-8859-2), so another code page must win clearly.
            // ISO-8859-1 is read as its superset windows-1252, as browsers do.
            chosen = WINDOWS_1252;
            confidence = latin != null ? latinConfidence : 0;
        }
        // Byte statistics cannot always tell neighbouring code pages apart (a short Croatian text scores higher as
        // windows-1252 than as windows-1250), so a detected encoding is always reported as a guess with the way out.
        warnings.add(String.format(Locale.ROOT, "the file is not UTF-8; its encoding was guessed as %s (confidence %d%%)."
                + " If the text looks wrong, name the encoding (e.g. windows-1250, shift_jis) or save the file as UTF-8.",
                chosen.name(), confidence));
        String text = lenient(data, chosen, 0, warnings);
        return new Decoded(text, chosen.name(), "detected", confidence, warnings);
    }

    /**
     * @param text decoded text
     * @return the share (0..1) of characters that are control characters no text file holds
     *     (C0 controls other than tab, line feed, carriage return and form feed; NUL; DEL)
     */
    public static double controlShare(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        int controls = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) {
                controls++;
            }
        }
        return controls / (double) text.length();
    }

    private record Bom(Charset charset, int length) {
    }

    private static Bom bom(byte[] d) {
        // UTF-32LE's mark starts like UTF-16LE's, so the longer one is tested first.
        if (starts(d, 0xFF, 0xFE, 0x00, 0x00)) {
            return new Bom(Charset.forName("UTF-32LE"), 4);
        }
        if (starts(d, 0x00, 0x00, 0xFE, 0xFF)) {
            return new Bom(Charset.forName("UTF-32BE"), 4);
        }
        if (starts(d, 0xEF, 0xBB, 0xBF)) {
            return new Bom(StandardCharsets.UTF_8, 3);
        }
        if (starts(d, 0xFF, 0xFE)) {
            return new Bom(StandardCharsets.UTF_16LE, 2);
        }
        if (starts(d, 0xFE, 0xFF)) {
            return new Bom(StandardCharsets.UTF_16BE, 2);
        }
        return null;
    }

    /** @return the length of a byte-order mark of {@code cs} at the start of the data, else 0 */
    private static int bomLength(byte[] data, Charset cs) {
        Bom b = bom(data);
        return b != null && b.charset.equals(cs) ? b.length : 0;
    }

    private static boolean starts(byte[] d, int... prefix) {
        if (d.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((d[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String lenient(byte[] data, Charset cs, int skip, List<String> warnings) {
        String text = new String(data, skip, data.length - skip, cs);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        int replaced = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\uFFFD') {
                replaced++;
            }
        }
        if (replaced > 0) {
            warnings.add(replaced + " byte sequence" + (replaced == 1 ? " is" : "s are") + " not valid " + cs.name()
                    + " and became \uFFFD.");
        }
        return text;
    }

    private static Charset charset(String name) {
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new IllegalArgumentException("unknown encoding '" + (name.length() <= 40 ? name : name.substring(0, 37)
                    + "...") + "'; use a name such as utf-8, windows-1250, iso-8859-2 or shift_jis.", e);
        }
    }

    private static Charset known(String name) {
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
    }
}
