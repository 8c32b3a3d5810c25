package io.q3tts.plugins.scriptread;

import io.q3tts.ports.in.synthesis.SynthesisLimits;
import io.q3tts.ports.model.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a script in one of the supported formats, detected or named: {@code text} ("NAME: line"),
 * {@code csv}, {@code tsv}, {@code json} or {@code fountain}. Every problem is an
 * {@link InvalidArgumentException} naming field {@value #FIELD} and the input line ("line 12: ..."),
 * so a bad script fails before anything is synthesized. Pure Java; thread-safe.
 */
public final class ScriptParser {

    /** The request field the script comes in. */
    public static final String FIELD = "script";
    /** The formats, as named in the {@code format} field. */
    public static final List<String> FORMATS = List.of("text", "csv", "tsv", "json", "fountain");
    /** Longest speaker name, in characters. */
    static final int MAX_SPEAKER_LENGTH = 64;
    /** Longest pause, in seconds. */
    static final double MAX_PAUSE = 60;
    /** The pause of a bare {@code [pause]} or {@code [beat]} marker, or of two blank lines in text format. */
    static final double BEAT = 1.0;

    private static final Pattern MARKER = Pattern.compile("\\[\\s*(?i:pause|beat)(?:\\s+([^\\]]*?))?\\s*]");
    private static final Pattern SECONDS = Pattern.compile("(\\d{1,6}(?:\\.\\d{1,6})?)\\s*(ms|s|sec|secs|seconds?)?",
            Pattern.CASE_INSENSITIVE);
    /** {@code NAME (instruct): text}; the colon must be followed by a space (so URLs and times are not names). */
    private static final Pattern NAME_LINE = Pattern.compile(
            "(\\p{L}[\\p{L}\\p{N}'’. _-]{0,63}?)\\s*(?:\\(([^()]*)\\))?\\s*:(?:\\s+(.*))?");
    /** DialogSum turns: {@code #Person1#: text}. */
    private static final Pattern DIALOGSUM = Pattern.compile("#([^#\\s][^#]{0,63})#\\s*:\\s*(\\S.*)");
    private static final Pattern LEADING_PAREN = Pattern.compile("\\(([^()]*)\\)\\s*(.*)");
    private static final Pattern FOUNTAIN_HINT = Pattern.compile(
            "(?im)^(?:(?:INT|EXT|EST|INT\\.?/EXT|I/E)[. ].*|(?:title|credit|author|draft date)\\s*:.*)$");
    private static final Pattern DELIMITED_HEADER = Pattern.compile(
            "(?i)^\"?(speaker|character|name|role|who)\"?\\s*([,\\t]).*");

    private final int maxChars;
    private final int maxLines;

    /**
     * @param maxChars the longest input accepted, in characters
     * @param maxLines the most lines a script may have
     */
    public ScriptParser(int maxChars, int maxLines) {
        if (maxChars < 1 || maxLines < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxChars = maxChars;
        this.maxLines = maxLines;
    }

    /** @return the longest input accepted, in characters */
    public int maxChars() {
        return maxChars;
    }

    /** @return the most lines a script may have */
    public int maxLines() {
        return maxLines;
    }

    /**
     * @param input the script text
     * @param format one of {@link #FORMATS}, or null/blank/{@code auto} to detect it
     * @param filename the uploaded file's name (a hint for detection), or null
     * @return the parsed script, with at least one line
     * @throws InvalidArgumentException naming {@value #FIELD} (or {@code format}) and the line
     */
    public Script parse(String input, String format, String filename) {
        String text = clean(input);
        String resolved = resolveFormat(text, format, filename);
        Script script = switch (resolved) {
            case "csv" -> DelimitedParser.parse(text, ',', "csv");
            case "tsv" -> DelimitedParser.parse(text, '\t', "tsv");
            case "json" -> JsonScriptParser.parse(text);
            case "fountain" -> FountainParser.parse(text);
            default -> parseText(text);
        };
        return check(script);
    }

    /**
     * @param input the script text
     * @param format the requested format, or null/blank/{@code auto}
     * @param filename the file name hint, or null
     * @return the format {@link #parse} reads the input as
     * @throws InvalidArgumentException naming {@code format} for an unknown format
     */
    public String resolveFormat(String input, String format, String filename) {
        String f = format == null ? "" : format.strip().toLowerCase(Locale.ROOT);
        if (f.isEmpty() || f.equals("auto")) {
            return detect(input == null ? "" : input, filename);
        }
        if (f.equals("txt")) {
            return "text";
        }
        if (!FORMATS.contains(f)) {
            throw new InvalidArgumentException("format", "format must be auto, " + String.join(", ", FORMATS)
                    + "; got '" + format.strip() + "'.");
        }
        return f;
    }

    /**
     * Detection: the file extension if it names a format, else JSON if the text starts with an object
     * or an array of objects, CSV/TSV if the first line is a header starting with a speaker column,
     * Fountain if there is a title page key or a scene heading (INT./EXT.), else "NAME: line" text.
     */
    static String detect(String input, String filename) {
        if (filename != null) {
            String name = filename.toLowerCase(Locale.ROOT);
            for (String[] ext : new String[][] {{".csv", "csv"}, {".tsv", "tsv"}, {".tab", "tsv"}, {".json", "json"},
                    {".fountain", "fountain"}, {".spmd", "fountain"}}) {
                if (name.endsWith(ext[0])) {
                    return ext[1];
                }
            }
        }
        String t = input.stripLeading();
        if (t.startsWith("\uFEFF")) {
            t = t.substring(1).stripLeading();
        }
        if (t.startsWith("{") || (t.startsWith("[") && (t.length() == 1 || "{]\n\r \t".indexOf(t.charAt(1)) >= 0))) {
            return "json";
        }
        int eol = t.indexOf('\n');
        Matcher header = DELIMITED_HEADER.matcher((eol < 0 ? t : t.substring(0, eol)).replace("\r", ""));
        if (header.matches()) {
            return header.group(2).equals("\t") ? "tsv" : "csv";
        }
        if (FOUNTAIN_HINT.matcher(t).find()) {
            return "fountain";
        }
        return "text";
    }

    /** Strips a BOM, normalises line ends, refuses binary and over-long input. */
    String clean(String input) {
        if (input == null || input.isBlank()) {
            throw new InvalidArgumentException(FIELD, "script is empty: paste or upload the script to read.");
        }
        if (input.length() > maxChars) {
            throw new InvalidArgumentException(FIELD, "script is " + input.length() + " characters; at most " + maxChars
                    + " are read in one request. Split it.");
        }
        String text = input.startsWith("\uFEFF") ? input.substring(1) : input;
        text = text.replace("\r\n", "\n").replace('\r', '\n');
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
            } else if ((c < 0x20 && c != '\t' && c != '\f') || c == 0x7f || c == '\uFFFE' || c == '\uFFFF') {
                throw error(line, String.format(Locale.ROOT,
                        "the script contains binary data (control character U+%04X); upload a UTF-8 text file.", (int) c));
            }
        }
        return text;
    }

    /** The limits every format shares. */
    private Script check(Script script) {
        if (script.lines().isEmpty()) {
            throw new InvalidArgumentException(FIELD, "script has no lines to speak.");
        }
        if (script.lines().size() > maxLines) {
            throw new InvalidArgumentException(FIELD, "script has " + script.lines().size() + " lines; at most " + maxLines
                    + " are read in one request. Split it.");
        }
        for (ScriptLine l : script.lines()) {
            if (l.text().length() > SynthesisLimits.MAX_TEXT_LENGTH) {
                throw error(l.sourceLine(), "the line is " + l.text().length() + " characters; at most "
                        + SynthesisLimits.MAX_TEXT_LENGTH + " are spoken at once. Split it.");
            }
            if (l.speaker() != null && l.speaker().length() > MAX_SPEAKER_LENGTH) {
                throw error(l.sourceLine(), "the speaker name is longer than " + MAX_SPEAKER_LENGTH + " characters.");
            }
            if (l.instruct() != null && l.instruct().length() > SynthesisLimits.MAX_INSTRUCT_LENGTH) {
                throw error(l.sourceLine(), "the instruct is longer than " + SynthesisLimits.MAX_INSTRUCT_LENGTH
                        + " characters.");
            }
        }
        return script;
    }

    /** What a line of a text script is, before speakers are decided. */
    private enum Kind { BLANK, COMMENT, MARKER, NAMED, PAREN, PLAIN }

    /** One input line, classified. */
    private record Row(Kind kind, String text, String name, String instruct, String said, Double pause, boolean explicit) {
    }

    /** How a speaker name is written; one-off names must look like the script's recurring ones. */
    private enum Style { UPPER, CAPITALIZED, LOWER }

    /**
     * "NAME: line" text, also in the layouts real files use: DialogSum ({@code #Person1#: ...}), wrapped
     * prose (a line that does not end a sentence, or starts in lower case, continues the line before
     * it; in a script whose turns are paragraphs, every line of the paragraph does), and the
     * Shakespeare layout ({@code First Citizen:} alone on a line, the speech on the lines below). A
     * "name:" is a speaker only when the name recurs, or is written like the names that recur
     * ({@code note: this is prose} and a lone {@code or:} are text, reported as such). See
     * docs/pipelines.md for the rules.
     */
    static Script parseText(String text) {
        String[] rows = text.split("\n", -1);
        Row[] classified = new Row[rows.length];
        Map<String, Integer> counts = new java.util.HashMap<>();
        for (int i = 0; i < rows.length; i++) {
            classified[i] = classify(rows[i].strip(), i + 1);
            if (classified[i].kind() == Kind.NAMED) {
                counts.merge(classified[i].name().toLowerCase(Locale.ROOT), 1, Integer::sum);
            }
        }
        Style dominant = dominantStyle(classified, counts);
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < classified.length; i++) {
            Row r = classified[i];
            if (r.kind() == Kind.NAMED && !accepted(r, counts, dominant)) {
                if (!r.said().isEmpty() || warnings.size() < 20) {
                    warnings.add("line " + (i + 1) + ": '" + shorten(r.name()) + ":' is read as text, not as a speaker: the "
                            + "name occurs once and is not written like the script's other speaker names.");
                }
                classified[i] = new Row(Kind.PLAIN, r.text(), null, null, null, null, false);
            }
        }
        boolean paragraphs = paragraphLayout(classified);
        List<ScriptLine> out = new ArrayList<>();
        double leadIn = 0;
        int blankRun = 0;
        // The line being built, which following lines may continue.
        String speaker = null;
        String instruct = null;
        StringBuilder said = new StringBuilder();
        int saidLine = 0;
        boolean open = false;
        boolean header = false;
        int headerLine = 0;
        String headerName = null;
        for (int i = 0; i < classified.length; i++) {
            int n = i + 1;
            Row r = classified[i];
            if (r.kind() == Kind.BLANK) {
                blankRun++;
                continue;
            }
            boolean continues = open && blankRun == 0;
            if (r.kind() == Kind.PLAIN && continues && (header || paragraphs || !endsSentence(said) || startsLower(r.text()))) {
                join(said, r.text());
                header = false;
                continue;
            }
            if (r.kind() == Kind.PAREN && open && header && said.isEmpty()) {
                instruct = join(instruct, r.text());
                continue;
            }
            if (open) {
                if (said.isEmpty()) {
                    throw error(headerLine, "'" + headerName + "' is followed by a colon but no text; write the line after "
                            + "the colon (NAME: text) or on the lines below it.");
                }
                out.add(new ScriptLine(saidLine, speaker, said.toString(), instruct, null));
                open = false;
                header = false;
            }
            if (blankRun >= 2 && !out.isEmpty()) {
                out.set(out.size() - 1, out.getLast().plusPause(BEAT));
            }
            blankRun = 0;
            switch (r.kind()) {
                case COMMENT -> {
                }
                case MARKER -> {
                    if (out.isEmpty()) {
                        leadIn += r.pause();
                    } else {
                        out.set(out.size() - 1, out.getLast().plusPause(r.pause()));
                    }
                }
                case PAREN -> out.add(new ScriptLine(n, null, r.text(), null, null));
                case NAMED -> {
                    speaker = narrator(r.name()) ? null : r.name();
                    instruct = r.instruct();
                    said.setLength(0);
                    said.append(r.said());
                    saidLine = n;
                    open = true;
                    header = r.said().isEmpty();
                    headerLine = n;
                    headerName = r.name();
                }
                default -> {
                    speaker = null;
                    instruct = null;
                    said.setLength(0);
                    said.append(r.text());
                    saidLine = n;
                    open = true;
                    header = false;
                }
            }
        }
        if (open) {
            if (said.isEmpty()) {
                throw error(headerLine, "'" + headerName + "' is followed by a colon but no text; write the line after "
                        + "the colon (NAME: text) or on the lines below it.");
            }
            out.add(new ScriptLine(saidLine, speaker, said.toString(), instruct, null));
        }
        return new Script("text", out, leadIn, Map.of(), null, warnings);
    }

    private static Row classify(String t, int n) {
        if (t.isEmpty()) {
            return new Row(Kind.BLANK, t, null, null, null, null, false);
        }
        Matcher d = DIALOGSUM.matcher(t);
        if (d.matches()) {
            return new Row(Kind.NAMED, t, d.group(1).strip(), null, d.group(2).strip(), null, true);
        }
        if (t.startsWith("#") || t.startsWith("//")) {
            return new Row(Kind.COMMENT, t, null, null, null, null, false);
        }
        Double marker = marker(t, n);
        if (marker != null) {
            return new Row(Kind.MARKER, t, null, null, null, marker, false);
        }
        Matcher m = NAME_LINE.matcher(t);
        if (m.matches() && m.group(1).strip().split("\\s+").length <= 4) {
            String instruct = blankToNull(m.group(2));
            String said = m.group(3) == null ? "" : m.group(3).strip();
            Matcher lead = LEADING_PAREN.matcher(said);
            if (lead.matches()) {
                instruct = join(instruct, blankToNull(lead.group(1)));
                said = lead.group(2).strip();
            }
            return new Row(Kind.NAMED, t, m.group(1).strip(), instruct, said, null, false);
        }
        if (t.startsWith("(") && t.endsWith(")") && t.length() > 2) {
            return new Row(Kind.PAREN, t.substring(1, t.length() - 1).strip(), null, null, null, null, false);
        }
        return new Row(Kind.PLAIN, t, null, null, null, null, false);
    }

    private static Style style(String name) {
        boolean lower = name.codePoints().anyMatch(Character::isLowerCase);
        if (!lower) {
            return Style.UPPER;
        }
        return Character.isUpperCase(name.codePointAt(0)) || !Character.isLetter(name.codePointAt(0))
                ? Style.CAPITALIZED : Style.LOWER;
    }

    /** @return the style most speaker lines of recurring names use, or null if no name recurs */
    private static Style dominantStyle(Row[] rows, Map<String, Integer> counts) {
        int[] votes = new int[Style.values().length];
        for (Row r : rows) {
            if (r.kind() == Kind.NAMED && counts.get(r.name().toLowerCase(Locale.ROOT)) >= 2) {
                votes[style(r.name()).ordinal()]++;
            }
        }
        int best = -1;
        for (int k = 0; k < votes.length; k++) {
            if (votes[k] > 0 && (best < 0 || votes[k] > votes[best])) {
                best = k;
            }
        }
        return best < 0 ? null : Style.values()[best];
    }

    private static boolean accepted(Row r, Map<String, Integer> counts, Style dominant) {
        if (r.explicit() || narrator(r.name()) || counts.get(r.name().toLowerCase(Locale.ROOT)) >= 2) {
            return true;
        }
        Style s = style(r.name());
        return s != Style.LOWER && (dominant == null || s == dominant);
    }

    /** @return whether most speaker lines start a paragraph (a blank line or the start above them) */
    private static boolean paragraphLayout(Row[] rows) {
        int named = 0;
        int afterBlank = 0;
        boolean blankBefore = true;
        for (Row r : rows) {
            if (r.kind() == Kind.NAMED && !r.said().isEmpty()) {
                named++;
                if (blankBefore) {
                    afterBlank++;
                }
            }
            if (r.kind() != Kind.COMMENT) {
                blankBefore = r.kind() == Kind.BLANK;
            }
        }
        return named >= 2 && afterBlank * 10 >= named * 8;
    }

    private static boolean endsSentence(CharSequence s) {
        int i = s.length() - 1;
        while (i >= 0 && "\"'”’)]»」』".indexOf(s.charAt(i)) >= 0) {
            i--;
        }
        return i >= 0 && ".!?…:;。！？".indexOf(s.charAt(i)) >= 0;
    }

    private static boolean startsLower(String s) {
        return !s.isEmpty() && Character.isLowerCase(s.codePointAt(0));
    }

    private static void join(StringBuilder said, String more) {
        if (!said.isEmpty()) {
            said.append(' ');
        }
        said.append(more);
    }

    /**
     * @param t a stripped line
     * @param line its number
     * @return the pause a {@code [pause 1.5s]} / {@code [beat]} line asks for, or null if it is no marker
     * @throws InvalidArgumentException if it looks like a marker but is malformed
     */
    static Double marker(String t, int line) {
        Matcher m = MARKER.matcher(t);
        if (m.matches()) {
            return m.group(1) == null || m.group(1).isBlank() ? BEAT : seconds(m.group(1), line, "pause");
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("[pause") || lower.startsWith("[beat")) {
            throw error(line, "malformed pause marker '" + shorten(t) + "'; write e.g. [pause 1.5s], [pause 500ms] or [beat].");
        }
        return null;
    }

    /**
     * @param value e.g. {@code 1.5}, {@code 1.5s}, {@code 500ms}
     * @param line the line it is on
     * @param what what the value is, for the message
     * @return seconds, 0..{@value #MAX_PAUSE}
     * @throws InvalidArgumentException naming the line if malformed or out of range
     */
    static double seconds(String value, int line, String what) {
        Matcher m = SECONDS.matcher(value.strip());
        if (!m.matches()) {
            throw error(line, what + " '" + shorten(value.strip()) + "' is not a duration; write seconds (1.5, 1.5s) or 500ms.");
        }
        double v = Double.parseDouble(m.group(1));
        if ("ms".equalsIgnoreCase(m.group(2))) {
            v /= 1000;
        }
        if (v > MAX_PAUSE) {
            throw error(line, what + " of " + v + " s is longer than " + (int) MAX_PAUSE + " s.");
        }
        return v;
    }

    /** @return whether a speaker name means "the narrator" (an action line) */
    static boolean narrator(String name) {
        return name.strip().equalsIgnoreCase("narrator");
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static String join(String a, String b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a + ", " + b;
    }

    static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /**
     * @param line the 1-based input line
     * @param message what is wrong there
     * @return a 400 naming field {@value #FIELD} and the line
     */
    static InvalidArgumentException error(int line, String message) {
        return new InvalidArgumentException(FIELD, "line " + line + ": " + message);
    }
}
