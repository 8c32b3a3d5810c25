package io.q3tts.plugins.narration;

import io.q3tts.ports.model.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts plain text or Markdown into chunks a TTS model speaks well: whole sentences packed up to a
 * comfortable length, never cut inside a sentence unless the sentence alone is too long (then at
 * clause punctuation, then at spaces, then anywhere). Pure Java; thread-safe.
 *
 * <p>Sentences end at {@code . ! ? …} followed by a space (or the end), and at the CJK marks
 * {@code 。！？；} directly. A period does not end a sentence after a known abbreviation
 * ({@code Dr.}, {@code e.g.}), a single capital (an initial), or inside a number ({@code 3.14}).
 */
public final class Chunker {

    /** The request field the text comes from, named in every error. */
    public static final String FIELD = "text";
    /** Default longest chunk, in characters. */
    public static final int DEFAULT_MAX_CHUNK_CHARS = 300;

    private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr",
            "mt", "vs", "etc", "cf", "no", "fig", "approx", "inc", "ltd", "co", "vol", "ch", "p", "pp", "ed",
            "e.g", "i.e", "a.m", "p.m", "u.s", "u.k");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~).*$");
    private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)]\\([^)]*\\)");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)]\\([^)]*\\)");
    private static final Pattern REF_LINK = Pattern.compile("\\[([^\\]]+)]\\[[^\\]]*]");
    private static final Pattern AUTOLINK = Pattern.compile("<(https?://|mailto:)[^>]*>");
    private static final Pattern HTML_TAG = Pattern.compile("</?[A-Za-z][^>]*>");
    private static final Pattern INLINE_CODE = Pattern.compile("`+([^`]*)`+");
    private static final Pattern EMPHASIS = Pattern.compile("(\\*{1,3}|_{1,3}|~~)(\\S(?:.*?\\S)?)\\1");
    private static final Pattern LIST_MARKER = Pattern.compile("^\\s*(?:[-*+]|\\d{1,9}[.)])\\s+");
    private static final Pattern QUOTE_MARKER = Pattern.compile("^\\s*(?:>\\s?)+");
    private static final Pattern RULE = Pattern.compile("^\\s*([-*_])(\\s*\\1){2,}\\s*$");
    private static final Pattern TABLE_SEPARATOR = Pattern.compile("^\\s*\\|?\\s*:?-+:?\\s*(\\|\\s*:?-+:?\\s*)*\\|?\\s*$");
    private static final Pattern REF_DEFINITION = Pattern.compile("^\\s*\\[[^\\]]+]:\\s+\\S+.*$");
    private static final String CLOSERS = "\"'”’)]}」』）》";
    private static final String CLAUSE_MARKS = ",;:—–、，；：";

    private final int maxChunkChars;

    /** @param maxChunkChars the longest chunk, in characters, 20..4096 */
    public Chunker(int maxChunkChars) {
        if (maxChunkChars < 20 || maxChunkChars > 4096) {
            throw new IllegalArgumentException("maxChunkChars must be 20..4096: " + maxChunkChars);
        }
        this.maxChunkChars = maxChunkChars;
    }

    /** @return the longest chunk, in characters */
    public int maxChunkChars() {
        return maxChunkChars;
    }

    /**
     * @param text the document, plain text or Markdown
     * @param markdown whether to read headings as chapters and strip Markdown markup
     * @return the chunks and chapters
     * @throws InvalidArgumentException naming {@value #FIELD} if the text is empty, holds nothing to
     *     say, or holds binary (NUL or control characters)
     */
    public NarrationDocument chunk(String text, boolean markdown) {
        checkText(text);
        List<Block> blocks = markdown ? markdownBlocks(text) : plainBlocks(text);
        List<Chunk> chunks = new ArrayList<>();
        List<Chapter> chapters = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) {
            Block block = blocks.get(b);
            boolean nextIsHeading = b + 1 < blocks.size() && blocks.get(b + 1).headingLevel > 0;
            Pause blockEnd = block.headingLevel > 0 || nextIsHeading ? Pause.HEADING : Pause.PARAGRAPH;
            if (block.headingLevel > 0) {
                chapters.add(new Chapter(chapters.size() + 1, block.text, block.headingLevel, chunks.size()));
            }
            List<Piece> pieces = pack(sentences(block.text));
            for (int i = 0; i < pieces.size(); i++) {
                Piece p = pieces.get(i);
                Pause pause = i == pieces.size() - 1 ? blockEnd : p.pause;
                chunks.add(new Chunk(chunks.size(), p.text, pause, chapters.size(), block.headingLevel > 0));
            }
        }
        if (chunks.isEmpty()) {
            throw new InvalidArgumentException(FIELD, "text has nothing to speak (only markup or whitespace).");
        }
        return new NarrationDocument(chunks, chapters);
    }

    private static void checkText(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidArgumentException(FIELD, "text is required: the document to narrate.");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || c == 0xFFFD || (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t' && c != '\f')) {
                throw new InvalidArgumentException(FIELD, String.format(Locale.ROOT,
                        "text looks binary: control character U+%04X at character %d. Send UTF-8 plain text or Markdown.",
                        (int) c, i));
            }
        }
    }

    /** A paragraph or heading, already flattened to one line of speakable text. */
    private record Block(String text, int headingLevel) {
    }

    /** A packed piece of a paragraph and what follows it inside the paragraph. */
    private record Piece(String text, Pause pause) {
    }

    private static List<String> lines(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return List.of(t.replace("\r\n", "\n").replace('\r', '\n').replace('\f', '\n').split("\n", -1));
    }

    private static List<Block> plainBlocks(String text) {
        List<Block> blocks = new ArrayList<>();
        StringBuilder para = new StringBuilder();
        for (String line : lines(text)) {
            if (line.isBlank()) {
                flush(para, blocks);
            } else {
                join(para, line.strip());
            }
        }
        flush(para, blocks);
        return blocks;
    }

    private static List<Block> markdownBlocks(String text) {
        List<Block> blocks = new ArrayList<>();
        StringBuilder para = new StringBuilder();
        boolean inFence = false;
        for (String raw : lines(text)) {
            if (FENCE.matcher(raw).matches()) {
                // Code is read by eye, not by ear: a fenced block is dropped and ends the paragraph.
                inFence = !inFence;
                flush(para, blocks);
                continue;
            }
            if (inFence) {
                continue;
            }
            if (raw.strip().matches("=+|-+") && !para.isEmpty()) {
                // Setext heading: the paragraph so far is the title.
                String title = para.toString();
                para.setLength(0);
                blocks.add(new Block(title, raw.strip().startsWith("=") ? 1 : 2));
                continue;
            }
            if (raw.isBlank() || RULE.matcher(raw).matches() || TABLE_SEPARATOR.matcher(raw).matches() && raw.contains("-")
                    || REF_DEFINITION.matcher(raw).matches()) {
                flush(para, blocks);
                continue;
            }
            Matcher h = HEADING.matcher(raw.strip());
            if (h.matches()) {
                flush(para, blocks);
                String title = inline(h.group(2));
                if (!title.isBlank()) {
                    blocks.add(new Block(title, h.group(1).length()));
                }
                continue;
            }
            String line = raw;
            boolean item = LIST_MARKER.matcher(line).find();
            line = QUOTE_MARKER.matcher(line).replaceFirst("");
            line = LIST_MARKER.matcher(line).replaceFirst("");
            if (line.strip().startsWith("|")) {
                line = line.strip().replaceAll("^\\||\\|$", "").replace("|", ",");
            }
            if (item) {
                // Each list item is its own paragraph, so items are not run together into one sentence.
                flush(para, blocks);
            }
            String speakable = inline(line).strip();
            if (!speakable.isEmpty()) {
                join(para, speakable);
            }
        }
        flush(para, blocks);
        return blocks;
    }

    private static String inline(String s) {
        String t = IMAGE.matcher(s).replaceAll("");
        t = LINK.matcher(t).replaceAll("$1");
        t = REF_LINK.matcher(t).replaceAll("$1");
        t = AUTOLINK.matcher(t).replaceAll("");
        t = HTML_TAG.matcher(t).replaceAll("");
        t = INLINE_CODE.matcher(t).replaceAll("$1");
        String before;
        do {
            before = t;
            t = EMPHASIS.matcher(t).replaceAll("$2");
        } while (!t.equals(before));
        return t.replace("\\*", "*").replace("\\_", "_").replace("\\#", "#").replaceAll("\\s+", " ").strip();
    }

    private static void join(StringBuilder para, String line) {
        if (!para.isEmpty() && !(isCjk(para.charAt(para.length() - 1)) && isCjk(line.charAt(0)))) {
            para.append(' ');
        }
        para.append(line);
    }

    private static void flush(StringBuilder para, List<Block> blocks) {
        String t = para.toString().replaceAll("\\s+", " ").strip();
        para.setLength(0);
        if (!t.isEmpty() && t.codePoints().anyMatch(Character::isLetterOrDigit)) {
            blocks.add(new Block(t, 0));
        }
    }

    static boolean isCjk(char c) {
        Character.UnicodeScript s = Character.UnicodeScript.of(c);
        return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
                || s == Character.UnicodeScript.KATAKANA || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF);
    }

    /**
     * @param para one paragraph on one line
     * @return its sentences, trimmed, in order
     */
    static List<String> sentences(String para) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = para.length();
        for (int i = 0; i < n; i++) {
            char c = para.charAt(i);
            boolean cjkEnd = c == '。' || c == '！' || c == '？' || c == '；' || c == '．';
            boolean latinEnd = c == '.' || c == '!' || c == '?' || c == '…';
            if (!cjkEnd && !latinEnd) {
                continue;
            }
            int end = i + 1;
            while (end < n && (".!?…".indexOf(para.charAt(end)) >= 0 || "。！？".indexOf(para.charAt(end)) >= 0)) {
                end++;
            }
            while (end < n && CLOSERS.indexOf(para.charAt(end)) >= 0) {
                end++;
            }
            if (latinEnd && !cjkEnd) {
                if (end < n && !Character.isWhitespace(para.charAt(end))) {
                    i = end - 1;
                    continue;
                }
                if (c == '.' && end == i + 1 && isAbbreviation(para, i)) {
                    continue;
                }
            }
            add(out, para.substring(start, end));
            start = end;
            i = end - 1;
        }
        add(out, para.substring(start));
        return out;
    }

    private static boolean isAbbreviation(String para, int dot) {
        int b = dot;
        while (b > 0 && !Character.isWhitespace(para.charAt(b - 1)) && "(\"'“‘".indexOf(para.charAt(b - 1)) < 0) {
            b--;
        }
        String word = para.substring(b, dot);
        if (word.isEmpty()) {
            return false;
        }
        if (word.length() == 1 && Character.isUpperCase(word.charAt(0))) {
            return true;
        }
        return ABBREVIATIONS.contains(word.toLowerCase(Locale.ROOT));
    }

    private static void add(List<String> out, String s) {
        String t = s.strip();
        if (!t.isEmpty()) {
            out.add(t);
        }
    }

    /** Packs whole sentences up to the limit; an over-long sentence is cut into crossfaded pieces. */
    private List<Piece> pack(List<String> sentences) {
        List<Piece> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String s : sentences) {
            if (s.length() > maxChunkChars) {
                if (!cur.isEmpty()) {
                    out.add(new Piece(cur.toString(), Pause.SENTENCE));
                    cur.setLength(0);
                }
                List<String> parts = split(s);
                for (int i = 0; i < parts.size(); i++) {
                    out.add(new Piece(parts.get(i), i == parts.size() - 1 ? Pause.SENTENCE : Pause.NONE));
                }
                continue;
            }
            int joined = cur.length() + (cur.isEmpty() ? 0 : 1) + s.length();
            if (!cur.isEmpty() && joined > maxChunkChars) {
                out.add(new Piece(cur.toString(), Pause.SENTENCE));
                cur.setLength(0);
            }
            if (!cur.isEmpty() && !(isCjk(cur.charAt(cur.length() - 1)) && isCjk(s.charAt(0)))) {
                cur.append(' ');
            }
            cur.append(s);
        }
        if (!cur.isEmpty()) {
            out.add(new Piece(cur.toString(), Pause.SENTENCE));
        }
        return out;
    }

    /** Cuts one over-long sentence: at clause marks, else at spaces, else hard; packs the parts up to the limit. */
    private List<String> split(String sentence) {
        List<String> out = new ArrayList<>();
        String rest = sentence;
        while (rest.length() > maxChunkChars) {
            int cut = lastCut(rest, CLAUSE_MARKS, true);
            if (cut <= 0) {
                cut = lastCut(rest, " ", false);
            }
            if (cut <= 0) {
                cut = maxChunkChars;
                if (Character.isHighSurrogate(rest.charAt(cut - 1))) {
                    cut--;
                }
            }
            out.add(rest.substring(0, cut).strip());
            rest = rest.substring(cut).strip();
        }
        if (!rest.isEmpty()) {
            out.add(rest);
        }
        return out;
    }

    /** @return the end of the longest prefix within the limit that ends at one of {@code marks}, or 0 */
    private int lastCut(String s, String marks, boolean keepMark) {
        // A cut in the first third would leave a tiny piece; fall through to the next strategy instead.
        for (int i = Math.min(maxChunkChars, s.length()) - 1; i >= maxChunkChars / 3; i--) {
            if (marks.indexOf(s.charAt(i)) >= 0) {
                return keepMark ? i + 1 : i;
            }
        }
        return 0;
    }
}
