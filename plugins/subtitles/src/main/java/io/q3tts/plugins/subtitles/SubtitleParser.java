package io.q3tts.plugins.subtitles;

import io.q3tts.ports.in.synthesis.SynthesisLimits;
import io.q3tts.ports.model.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads SRT and WebVTT files as they occur in the wild, not only as the specifications describe them:
 * a UTF-8 byte-order mark, CRLF or CR line ends, Windows-1252 text, missing or wrong cue numbers, a
 * missing blank line between cues, styling ({@code <i>}, {@code <font>}, {@code {\an8}}), cue settings,
 * WebVTT voice spans ({@code <v Name>}, which name the speaker) and NOTE, STYLE and REGION blocks.
 *
 * <p>What is tolerated is reported as a warning; what cannot be understood (a bad timestamp, binary
 * content, too large a file) is an {@link InvalidArgumentException} naming the field
 * {@value #FIELD} and, where there is one, the line. Stateless and thread-safe.
 */
public final class SubtitleParser {

    /** The request field the file arrives in; every error names it. */
    public static final String FIELD = "subtitles";
    /** Default largest accepted file, in bytes. */
    public static final int DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
    /** Default largest accepted number of cues. */
    public static final int DEFAULT_MAX_CUES = 5000;
    /** Warnings kept in a report; a broken file would otherwise repeat one per block. */
    static final int MAX_WARNINGS = 100;

    /** Hours optional (WebVTT), comma or dot before the fraction (SRT or WebVTT), fraction optional. */
    private static final Pattern TIME = Pattern.compile("(?:(\\d{1,3}):)?(\\d{1,2}):(\\d{1,2})(?:[,.](\\d{1,3}))?");
    private static final Pattern VOICE = Pattern.compile("<v(?:\\.[^\\s>]*)?\\s+([^>]+)>");
    private static final Pattern TAG = Pattern.compile("</?[A-Za-z][^>]*>|</?[a-z.]*>|<\\d[^>]*>");
    private static final Pattern ASS_OVERRIDE = Pattern.compile("\\{\\\\[^}]*}");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private final int maxBytes;
    private final int maxCues;

    /** A parser with the default limits. */
    public SubtitleParser() {
        this(DEFAULT_MAX_BYTES, DEFAULT_MAX_CUES);
    }

    /**
     * @param maxBytes largest accepted file, &gt; 0
     * @param maxCues largest accepted number of cues, &gt; 0
     */
    public SubtitleParser(int maxBytes, int maxCues) {
        if (maxBytes <= 0 || maxCues <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxBytes = maxBytes;
        this.maxCues = maxCues;
    }

    /**
     * @param data the file content, never null
     * @return the cues and the warnings
     * @throws InvalidArgumentException (field {@value #FIELD}) if the file is empty, too large, binary,
     *     has a bad timestamp or holds no cue
     */
    public SubtitleDocument parse(byte[] data) {
        if (data == null || data.length == 0) {
            throw invalid("the subtitles file is empty.");
        }
        if (data.length > maxBytes) {
            throw invalid("the subtitles file is " + data.length + " bytes; at most " + maxBytes + " are accepted.");
        }
        String text = decode(data);
        String[] lines = text.split("\r\n|\r|\n", -1);
        boolean vtt = lines.length > 0 && lines[0].strip().startsWith("WEBVTT");
        List<Cue> cues = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        // Timing lines seen so far: a cue's index is its position in the file, skipped cues included.
        int[] seen = {0};
        int i = vtt ? skipBlock(lines, 0) : 0;
        while (i < lines.length) {
            if (lines[i].isBlank()) {
                i++;
                continue;
            }
            String first = lines[i].strip();
            if (vtt && (first.equals("NOTE") || first.startsWith("NOTE ") || first.startsWith("NOTE\t")
                    || first.equals("STYLE") || first.equals("REGION"))) {
                i = skipBlock(lines, i);
                continue;
            }
            i = readBlock(lines, i, vtt, seen, cues, warnings);
            if (cues.size() > maxCues) {
                throw invalid("line " + cues.getLast().line() + ": more than " + maxCues + " cues; split the file.");
            }
        }
        if (cues.isEmpty()) {
            throw invalid("no cues found; expected SRT or WebVTT cues ('00:00:01,000 --> 00:00:02,500' and text).");
        }
        for (int k = 1; k < cues.size(); k++) {
            Cue previous = cues.get(k - 1);
            Cue cue = cues.get(k);
            if (cue.startMs() < previous.endMs() && cue.endMs() > previous.startMs()) {
                warnings.add("line " + cue.line() + ": cue " + cue.index() + " overlaps cue " + previous.index()
                        + " by " + (Math.min(previous.endMs(), cue.endMs()) - cue.startMs()) + " ms; both are kept and mixed.");
            }
        }
        if (warnings.size() > MAX_WARNINGS) {
            int more = warnings.size() - MAX_WARNINGS;
            warnings = new ArrayList<>(warnings.subList(0, MAX_WARNINGS));
            warnings.add("... and " + more + " more warnings.");
        }
        return new SubtitleDocument(vtt ? "vtt" : "srt", cues, warnings);
    }

    /**
     * Reads one block (up to the next blank line); a timing line inside it starts a further cue, so
     * files that lost the blank line between cues still parse.
     *
     * @return the index of the first line after the block
     */
    private int readBlock(String[] lines, int start, boolean vtt, int[] seen, List<Cue> cues, List<String> warnings) {
        int end = start;
        while (end < lines.length && !lines[end].isBlank()) {
            end++;
        }
        int timing = -1;
        List<String> textLines = new ArrayList<>();
        String declaredIndex = null;
        for (int i = start; i < end; i++) {
            String line = lines[i];
            if (line.contains("-->")) {
                if (timing >= 0) {
                    String carried = !textLines.isEmpty() && DIGITS.matcher(textLines.getLast().strip()).matches()
                            ? textLines.removeLast().strip() : null;
                    addCue(lines, timing, declaredIndex, textLines, vtt, ++seen[0], cues, warnings);
                    declaredIndex = carried;
                } else if (!textLines.isEmpty()) {
                    declaredIndex = textLines.getLast().strip();
                }
                textLines = new ArrayList<>();
                timing = i;
            } else {
                textLines.add(line);
            }
        }
        if (timing < 0) {
            warnings.add("line " + (start + 1) + ": text without a timing line, skipped.");
        } else {
            addCue(lines, timing, declaredIndex, textLines, vtt, ++seen[0], cues, warnings);
        }
        return end;
    }

    private void addCue(String[] lines, int timingLine, String declaredIndex, List<String> textLines, boolean vtt,
                        int index, List<Cue> cues, List<String> warnings) {
        int lineNo = timingLine + 1;
        String timing = lines[timingLine].strip();
        int arrow = timing.indexOf("-->");
        String left = timing.substring(0, arrow).strip();
        String right = timing.substring(arrow + 3).strip();
        String endToken = right.isEmpty() ? "" : right.split("\\s+", 2)[0];
        long startMs = timestamp(left, lineNo);
        long endMs = timestamp(endToken, lineNo);
        if (!vtt && declaredIndex != null && !declaredIndex.equals(String.valueOf(index))) {
            warnings.add("line " + lineNo + ": cue numbered '" + shorten(declaredIndex) + "' is cue " + index + " of the file.");
        }
        if (endMs < startMs) {
            throw invalid("line " + lineNo + ": the cue ends (" + endToken + ") before it starts (" + left + ").");
        }
        String speaker = null;
        StringBuilder spoken = new StringBuilder();
        for (String raw : textLines) {
            Matcher v = VOICE.matcher(raw);
            if (speaker == null && v.find()) {
                speaker = v.group(1).strip();
            }
            String clean = clean(raw);
            if (!clean.isEmpty()) {
                spoken.append(spoken.isEmpty() ? "" : " ").append(clean);
            }
        }
        String text = spoken.toString().replaceAll("\\s+", " ").strip();
        if (endMs == startMs) {
            warnings.add("line " + lineNo + ": cue " + index + " lasts 0 ms, skipped.");
            return;
        }
        if (text.isEmpty()) {
            warnings.add("line " + lineNo + ": cue " + index + " has no text to speak, skipped.");
            return;
        }
        if (text.length() > SynthesisLimits.MAX_TEXT_LENGTH) {
            throw invalid("line " + lineNo + ": the cue's text is " + text.length() + " characters; at most "
                    + SynthesisLimits.MAX_TEXT_LENGTH + " can be spoken at once.");
        }
        cues.add(new Cue(index, lineNo, startMs, endMs, text, speaker));
    }

    /** @return the text a reader sees: tags, styling overrides and entities resolved */
    static String clean(String raw) {
        String s = ASS_OVERRIDE.matcher(raw).replaceAll("");
        s = TAG.matcher(s).replaceAll("");
        s = s.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&lrm;", "").replace("&rlm;", "").replace("&amp;", "&");
        return s.replace('\u00A0', ' ').strip();
    }

    private static long timestamp(String token, int lineNo) {
        Matcher m = TIME.matcher(token);
        if (!m.matches()) {
            throw invalid("line " + lineNo + ": bad timestamp '" + shorten(token) + "'; expected 00:01:02,345 or 00:01:02.345.");
        }
        long hours = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
        long minutes = Long.parseLong(m.group(2));
        long seconds = Long.parseLong(m.group(3));
        if (minutes > 59 || seconds > 59) {
            throw invalid("line " + lineNo + ": bad timestamp '" + token + "'; minutes and seconds must be below 60.");
        }
        String fraction = m.group(4) == null ? "0" : m.group(4);
        long millis = Long.parseLong((fraction + "00").substring(0, 3));
        return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
    }

    private static int skipBlock(String[] lines, int start) {
        int i = start;
        while (i < lines.length && !lines[i].isBlank()) {
            i++;
        }
        return i;
    }

    /**
     * UTF-8 (a BOM dropped) when the bytes are valid UTF-8, else Windows-1252, which older subtitle
     * tools still write; content with NUL or many control characters is refused as binary.
     */
    private static String decode(byte[] data) {
        int controls = 0;
        for (int i = 0; i < data.length; i++) {
            int b = data[i] & 0xFF;
            if (b == 0) {
                throw invalid("byte " + i + ": the subtitles file is binary (NUL byte), not SRT or WebVTT text.");
            }
            if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f') {
                controls++;
            }
        }
        if (controls > 0 && controls * 100L > data.length) {
            throw invalid("the subtitles file is binary (" + controls + " control bytes), not SRT or WebVTT text.");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            text = new String(data, Charset.forName("windows-1252"));
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static InvalidArgumentException invalid(String message) {
        return new InvalidArgumentException(FIELD, message);
    }

    /** @return a short description of the limits, for the page */
    public String limits() {
        return String.format(Locale.ROOT, "at most %d KiB and %d cues", maxBytes / 1024, maxCues);
    }
}
