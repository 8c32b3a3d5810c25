package io.q3tts.plugins.subtitles;

import io.q3tts.lib.text.TextDecoder;
import io.q3tts.ports.in.synthesis.SynthesisLimits;
import io.q3tts.ports.model.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads SRT and WebVTT files as they occur in the wild, with the error policy of the WebVTT parsing
 * algorithm: a cue that cannot be understood (a bad or negative timestamp, an end before its start,
 * nothing to say) is skipped with a reason naming its line, and the rest of the file is kept. Only
 * what makes the whole file unreadable is an {@link InvalidArgumentException} naming the field
 * {@value #FIELD}: empty, too large, binary (a high share of control characters), or no cue left.
 *
 * <p>Tolerated and handled: every byte-order mark, legacy code pages ({@link TextDecoder}, or an
 * encoding the user names), NUL (U+FFFD, as the WebVTT spec says), CRLF/CR line ends, form feeds,
 * hours of any length ({@code 1088:42:00.500}), cue settings glued to the end time, missing,
 * wrong or 0-based cue numbers (said once), a missing blank line between cues, NOTE/STYLE/REGION
 * blocks (a NOTE whose second line is a timing line is a cue with the id {@code NOTE}, as in the
 * spec), styling tags, ASS overrides and {@code \N}/{@code \h}, MicroDVD {@code {Y:i}}, ruby
 * readings (dropped, the base is spoken), voice spans (a cue with several voices is split into one
 * part per voice, its window shared by text length), and {@code <}/{@code >} in text that are not
 * tags. Stateless and thread-safe.
 */
public final class SubtitleParser {

    /** The request field the file arrives in; every error names it. */
    public static final String FIELD = "subtitles";
    /** The request field that names the file's encoding. */
    public static final String ENCODING_FIELD = "encoding";
    /** Default largest accepted file, in bytes. */
    public static final int DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
    /** Default largest accepted number of cues. */
    public static final int DEFAULT_MAX_CUES = 5000;
    /** Warnings kept in a report; a broken file would otherwise repeat one per block. */
    static final int MAX_WARNINGS = 100;
    /** Skipped items listed in a report; the rest are counted, so a junk file does not make a huge answer. */
    static final int MAX_SKIPPED = 500;
    /** Above this share of control characters the file is binary, not text. */
    static final double BINARY_SHARE = 0.05;

    /** Hours of any length (HLS), comma or dot before the fraction (SRT or WebVTT), fraction optional. */
    private static final Pattern TIME = Pattern.compile("(?:(\\d{1,9}):)?(\\d{1,2}):(\\d{1,2})(?:[,.](\\d{1,3}))?");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");
    /** The tags WebVTT and SRT players know (name, classes, annotation); any other {@code <...>} is text. */
    private static final Pattern TAG = Pattern.compile(
            "(/?)(v|c|i|b|u|s|lang|ruby|rt|rp|font|span)(\\.\\S*)?(?=\\s|$)\\s*(.*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern TIMESTAMP_TAG = Pattern.compile("\\d+(?::\\d{2}){1,2}(?:[.,]\\d{1,3})?");
    private static final Pattern ENTITY = Pattern.compile("&(?:#(\\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));");

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
     * @throws InvalidArgumentException (field {@value #FIELD}) if the file is empty, too large, binary or holds no cue
     */
    public SubtitleDocument parse(byte[] data) {
        return parse(data, null);
    }

    /**
     * @param data the file content, never null
     * @param encoding the encoding the user named, or null/blank/{@code auto} to find it
     * @return the cues, what was skipped and why, and the warnings
     * @throws InvalidArgumentException (field {@value #FIELD}, or {@value #ENCODING_FIELD} for an unknown
     *     encoding) if the file is empty, too large, binary or holds no cue
     */
    public SubtitleDocument parse(byte[] data, String encoding) {
        if (data == null || data.length == 0) {
            throw invalid("the subtitles file is empty.");
        }
        if (data.length > maxBytes) {
            throw invalid("the subtitles file is " + data.length + " bytes; at most " + maxBytes + " are accepted.");
        }
        TextDecoder.Decoded decoded;
        try {
            decoded = TextDecoder.decode(data, encoding);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(ENCODING_FIELD, e.getMessage());
        }
        String text = decoded.text();
        double share = TextDecoder.controlShare(text);
        if (share > BINARY_SHARE) {
            throw invalid(String.format(Locale.ROOT, "the subtitles file is binary (%.0f%% control characters), not SRT "
                    + "or WebVTT text.", share * 100));
        }
        State s = new State(decoded);
        if (text.indexOf('\0') >= 0) {
            text = text.replace('\0', '\uFFFD');
            s.warn("the file holds NUL characters; each became \uFFFD, as the WebVTT spec says.");
        }
        String[] lines = text.split("\r\n|\r|\n", -1);
        s.vtt = lines.length > 0 && lines[0].startsWith("WEBVTT");
        int i = s.vtt ? endOfBlock(lines, 0, true) : 0;
        while (i < lines.length) {
            if (lines[i].isBlank()) {
                i++;
                continue;
            }
            String first = lines[i].strip();
            boolean note = first.equals("NOTE") || first.startsWith("NOTE ") || first.startsWith("NOTE\t");
            if (s.vtt && (note || first.equals("STYLE") || first.equals("REGION"))
                    && !(i + 1 < lines.length && lines[i + 1].contains("-->"))) {
                // A comment or style block; a timing line as its second line would make it a cue (the spec's rule).
                i = endOfBlock(lines, i + 1, true);
                continue;
            }
            i = readBlock(lines, i, s);
            if (s.cues.size() > maxCues) {
                throw invalid("line " + s.cues.getLast().line() + ": more than " + maxCues + " cues; split the file.");
            }
        }
        if (s.cues.isEmpty()) {
            throw invalid(noCues(s));
        }
        for (int k = 1; k < s.cues.size(); k++) {
            Cue previous = s.cues.get(k - 1);
            Cue cue = s.cues.get(k);
            if (cue.index() != previous.index() && cue.startMs() < previous.endMs() && cue.endMs() > previous.startMs()) {
                s.warn("line " + cue.line() + ": cue " + cue.index() + " overlaps cue " + previous.index()
                        + " by " + (Math.min(previous.endMs(), cue.endMs()) - cue.startMs()) + " ms; both are kept and mixed.");
            }
        }
        if (s.skippedCount > s.skipped.size()) {
            s.warn((s.skippedCount - s.skipped.size()) + " more skipped items are not listed (the first "
                    + MAX_SKIPPED + " are).");
        }
        List<String> warnings = cap(s.warnings);
        return new SubtitleDocument(s.vtt ? "vtt" : "srt", decoded.encoding(), s.cues, s.skipped, warnings);
    }

    private static String noCues(State s) {
        if (s.skipped.isEmpty()) {
            return "no cues found; expected SRT or WebVTT cues ('00:00:01,000 --> 00:00:02,500' and text).";
        }
        if (s.zeroLength == s.skippedCount) {
            return "no cues to speak: every cue lasts 0 ms (its start equals its end), so none has time to be spoken.";
        }
        SubtitleDocument.Skipped first = s.skipped.getFirst();
        return "no cues to speak: all " + s.skippedCount + " cue" + (s.skippedCount == 1 ? " was" : "s were")
                + " skipped; the first: line " + first.line() + ": " + first.reason();
    }

    private static List<String> cap(List<String> warnings) {
        if (warnings.size() <= MAX_WARNINGS) {
            return warnings;
        }
        List<String> out = new ArrayList<>(warnings.subList(0, MAX_WARNINGS));
        out.add("... and " + (warnings.size() - MAX_WARNINGS) + " more warnings.");
        return out;
    }

    /** What one parse has found so far. */
    private static final class State {
        final List<Cue> cues = new ArrayList<>();
        final List<SubtitleDocument.Skipped> skipped = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        boolean vtt;
        /** Timing lines seen so far: a cue's index is its position in the file, skipped cues included. */
        int seen;
        /** The file's numbering minus ours at the last numbered cue: a constant offset is said once. */
        long offset;

        State(TextDecoder.Decoded decoded) {
            warnings.addAll(decoded.warnings());
        }

        void warn(String message) {
            warnings.add(message);
        }

        /** Everything skipped, listed or not. */
        int skippedCount;
        int zeroLength;

        void skip(int line, String reason, String text) {
            skippedCount++;
            if (skipped.size() < MAX_SKIPPED) {
                skipped.add(new SubtitleDocument.Skipped(line, reason, text));
            }
            warnings.add("line " + line + ": " + reason);
        }
    }

    /**
     * Reads one block (up to the next blank line); a timing line inside it starts a further cue, so
     * files that lost the blank line between cues still parse.
     *
     * @return the index of the first line after the block
     */
    private int readBlock(String[] lines, int start, State s) {
        int end = endOfBlock(lines, start, false);
        int timing = -1;
        List<String> textLines = new ArrayList<>();
        String declaredIndex = null;
        for (int i = start; i < end; i++) {
            String line = lines[i];
            if (line.contains("-->")) {
                if (timing >= 0) {
                    String carried = null;
                    if (!textLines.isEmpty() && isId(textLines.getLast(), textLines.size(), s.vtt)) {
                        carried = textLines.removeLast().strip();
                    }
                    addCue(lines, timing, declaredIndex, textLines, s);
                    declaredIndex = carried;
                } else if (!textLines.isEmpty()) {
                    declaredIndex = textLines.getLast().strip();
                    if (textLines.size() > 1) {
                        s.skip(start + 1, "text without a timing line, skipped.", String.join(" ", textLines.subList(0,
                                textLines.size() - 1)));
                    }
                }
                textLines = new ArrayList<>();
                timing = i;
            } else {
                textLines.add(line);
            }
        }
        if (timing < 0) {
            s.skip(start + 1, "text without a timing line, skipped.", String.join(" ", textLines));
        } else {
            addCue(lines, timing, declaredIndex, textLines, s);
        }
        return end;
    }

    /**
     * A line right before a timing line, inside cue text, is the next cue's id rather than text when it
     * is a number, or (WebVTT) a single word while the cue keeps other text.
     */
    private static boolean isId(String line, int textLines, boolean vtt) {
        String t = line.strip();
        return DIGITS.matcher(t).matches() || (vtt && textLines >= 2 && !t.isEmpty() && t.chars().noneMatch(Character::isWhitespace));
    }

    /** @return the first blank line at or after {@code from}; in a header or comment, a timing line ends it too */
    private static int endOfBlock(String[] lines, int from, boolean stopAtTiming) {
        int i = from;
        while (i < lines.length && !lines[i].isBlank() && !(stopAtTiming && lines[i].contains("-->"))) {
            i++;
        }
        return i;
    }

    private void addCue(String[] lines, int timingLine, String declaredIndex, List<String> textLines, State s) {
        int index = ++s.seen;
        int lineNo = timingLine + 1;
        String raw = String.join(" ", textLines).strip();
        String timing = lines[timingLine].strip();
        int arrow = timing.indexOf("-->");
        String left = timing.substring(0, arrow).strip();
        String right = timing.substring(arrow + 3).stripLeading();
        long startMs = timestamp(left, false);
        long endMs = timestamp(right, true);
        if (startMs < 0 || endMs < 0) {
            String bad = startMs < 0 ? left : right.split("\\s+", 2)[0];
            s.skip(lineNo, "bad timestamp '" + shorten(bad) + "' (expected 00:01:02,345 or 00:01:02.345); cue " + index
                    + " skipped.", shorten(raw));
            return;
        }
        if (!s.vtt && declaredIndex != null) {
            numbering(declaredIndex, index, lineNo, s);
        }
        if (endMs < startMs) {
            s.skip(lineNo, "cue " + index + " ends (" + shorten(right.split("\\s+", 2)[0]) + ") before it starts ("
                    + shorten(left) + "); skipped.", shorten(raw));
            return;
        }
        List<Cue.Part> parts = spoken(textLines, lineNo, s);
        String text = parts.stream().map(Cue.Part::text).reduce((a, b) -> a + " " + b).orElse("");
        if (endMs == startMs) {
            s.zeroLength++;
            s.skip(lineNo, "cue " + index + " lasts 0 ms, skipped.", shorten(text));
            return;
        }
        if (text.isEmpty()) {
            s.skip(lineNo, "cue " + index + " has no text to speak, skipped.", "");
            return;
        }
        if (text.length() > SynthesisLimits.MAX_TEXT_LENGTH) {
            s.skip(lineNo, "cue " + index + " has " + text.length() + " characters of text; at most "
                    + SynthesisLimits.MAX_TEXT_LENGTH + " can be spoken at once; skipped.", shorten(text));
            return;
        }
        long window = endMs - startMs;
        if (parts.size() == 1 || window < parts.size()) {
            String speaker = parts.stream().map(Cue.Part::speaker).filter(java.util.Objects::nonNull).findFirst().orElse(null);
            s.cues.add(new Cue(index, 0, lineNo, startMs, endMs, text, speaker));
            return;
        }
        // One cue, several voices: each voice speaks its own words in its share of the window (by text length).
        long total = parts.stream().mapToLong(p -> p.text().length()).sum();
        long from = startMs;
        long chars = 0;
        for (int k = 0; k < parts.size(); k++) {
            Cue.Part p = parts.get(k);
            chars += p.text().length();
            long to = k == parts.size() - 1 ? endMs : Math.max(from + 1, startMs + window * chars / total);
            to = Math.min(to, endMs - (parts.size() - 1 - k));
            s.cues.add(new Cue(index, k + 1, lineNo, from, to, p.text(), p.speaker()));
            from = to;
        }
    }

    /** Warns about a cue number that is not the cue's place in the file, once per change of offset. */
    private static void numbering(String declared, int index, int lineNo, State s) {
        if (!DIGITS.matcher(declared).matches()) {
            s.warn("line " + lineNo + ": cue numbered '" + shorten(declared) + "' is cue " + index + " of the file.");
            return;
        }
        long offset = Long.parseLong(declared) - index;
        if (offset != s.offset) {
            s.warn("line " + lineNo + ": cue numbered '" + declared + "' is cue " + index + " of the file"
                    + (offset == -1 && index == 1 ? " (the file counts from 0; cues are counted from 1 here)" : "")
                    + "; later cues numbered the same way are not reported again.");
            s.offset = offset;
        }
    }

    /**
     * @param token the text after (or before) the arrow
     * @param prefix whether the timestamp may be followed by cue settings (the end time), even without a space
     * @return milliseconds, or -1 if it is not a timestamp
     */
    private static long timestamp(String token, boolean prefix) {
        Matcher m = TIME.matcher(token);
        if (prefix ? !m.lookingAt() : !m.matches()) {
            return -1;
        }
        if (prefix && m.end() < token.length() && Character.isDigit(token.charAt(m.end()))) {
            return -1;
        }
        long hours = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
        long minutes = Long.parseLong(m.group(2));
        long seconds = Long.parseLong(m.group(3));
        if (minutes > 59 || seconds > 59) {
            return -1;
        }
        String fraction = m.group(4) == null ? "0" : m.group(4);
        long millis = Long.parseLong((fraction + "00").substring(0, 3));
        return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
    }

    /** @return the text a reader hears, one part per voice in order (a single part when there is no voice change) */
    private static List<Cue.Part> spoken(List<String> textLines, int lineNo, State s) {
        List<Cue.Part> parts = new ArrayList<>();
        String[] speaker = {null};
        StringBuilder buf = new StringBuilder();
        for (String line : textLines) {
            speaker[0] = cleanLine(line, speaker[0], buf, parts, lineNo, s);
            buf.append(' ');
        }
        flush(parts, speaker[0], buf);
        // Consecutive parts of one voice are one part.
        List<Cue.Part> merged = new ArrayList<>();
        for (Cue.Part p : parts) {
            if (!merged.isEmpty() && java.util.Objects.equals(merged.getLast().speaker(), p.speaker())) {
                merged.set(merged.size() - 1, new Cue.Part(p.speaker(), merged.getLast().text() + " " + p.text()));
            } else {
                merged.add(p);
            }
        }
        return merged;
    }

    private static void flush(List<Cue.Part> parts, String speaker, StringBuilder buf) {
        String t = buf.toString().replace('\u00A0', ' ').replaceAll("\\s+", " ").strip();
        buf.setLength(0);
        if (!t.isEmpty()) {
            parts.add(new Cue.Part(speaker, t));
        }
    }

    /**
     * Cleans one line of cue text into {@code buf}, closing a part whenever the voice changes.
     *
     * @return the voice in force at the end of the line
     */
    private static String cleanLine(String line, String speaker, StringBuilder buf, List<Cue.Part> parts, int lineNo,
                                    State s) {
        String current = speaker;
        boolean inRt = false;
        int n = line.length();
        int nextGt = -2;
        int i = 0;
        while (i < n) {
            char c = line.charAt(i);
            if (c == '<') {
                if (nextGt != -1 && nextGt < i) {
                    nextGt = line.indexOf('>', i);
                }
                String inner = nextGt < 0 ? line.substring(i + 1) : line.substring(i + 1, nextGt);
                Matcher tag = TAG.matcher(inner);
                boolean known = tag.lookingAt();
                if (nextGt < 0 && known) {
                    // The spec's tokenizer reads an unclosed tag to the end of the text: none of it is spoken.
                    s.warn("line " + (lineNo + 1) + ": the tag '<" + shorten(inner) + "' is never closed with '>'; "
                            + "what follows it is not spoken.");
                    break;
                }
                if (nextGt >= 0 && (known || TIMESTAMP_TAG.matcher(inner).matches())) {
                    if (known) {
                        String name = tag.group(2).toLowerCase(Locale.ROOT);
                        boolean close = !tag.group(1).isEmpty();
                        if (name.equals("v")) {
                            String who = close ? null : tag.group(4).strip();
                            flush(parts, current, buf);
                            current = who == null || who.isEmpty() ? null : who;
                        } else if (name.equals("rt") || name.equals("rp")) {
                            inRt = !close;
                        } else if (name.equals("ruby") && close) {
                            inRt = false;
                        }
                    }
                    i = nextGt + 1;
                    continue;
                }
                if (!inRt) {
                    buf.append('<');
                }
                i++;
                continue;
            }
            if (c == '{' && i + 1 < n && (line.charAt(i + 1) == '\\'
                    || (i + 2 < n && Character.isLetter(line.charAt(i + 1)) && line.charAt(i + 2) == ':'))) {
                int close = line.indexOf('}', i);
                if (close > 0) {
                    // An ASS override ({\an8}) or a MicroDVD code ({Y:i}): styling, not words.
                    i = close + 1;
                    continue;
                }
            }
            if (c == '\\' && i + 1 < n && "Nnh".indexOf(line.charAt(i + 1)) >= 0) {
                buf.append(' ');
                i += 2;
                continue;
            }
            if (c == '&') {
                Matcher e = ENTITY.matcher(line).region(i, Math.min(n, i + 12));
                if (e.lookingAt()) {
                    String decoded = entity(e);
                    if (decoded != null) {
                        if (!inRt) {
                            buf.append(decoded);
                        }
                        i = e.end();
                        continue;
                    }
                }
            }
            if (!inRt) {
                buf.append(c);
            }
            i++;
        }
        return current;
    }

    private static String entity(Matcher e) {
        if (e.group(1) != null || e.group(2) != null) {
            int cp = e.group(1) != null ? Integer.parseInt(e.group(1)) : Integer.parseInt(e.group(2), 16);
            return cp > 0 && Character.isValidCodePoint(cp) && !(cp >= 0xD800 && cp <= 0xDFFF) ? Character.toString(cp) : null;
        }
        return switch (e.group(3)) {
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            case "quot" -> "\"";
            case "apos" -> "'";
            case "nbsp" -> " ";
            case "lrm", "rlm" -> "";
            default -> null;
        };
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
