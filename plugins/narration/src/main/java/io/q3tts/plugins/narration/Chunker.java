package io.q3tts.plugins.narration;

import io.q3tts.ports.model.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cuts plain text or Markdown into chunks a TTS model speaks well: whole sentences packed up to a
 * comfortable length, never cut inside a sentence unless the sentence alone is too long (then at
 * clause punctuation, then at spaces, then anywhere). Markdown is read by a CommonMark parser
 * ({@link MarkdownReader}); books lose their Project Gutenberg header and licence and their Aozora
 * markup first ({@link BookText}), and what is left out is reported. Pure Java; thread-safe.
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
     * How a document is read.
     *
     * @param markdown whether it is Markdown (headings become chapters, markup is resolved) or plain text
     * @param keepGutenberg whether a Project Gutenberg header and licence are read too
     * @param ruby how Aozora ruby is read
     */
    public record Options(boolean markdown, boolean keepGutenberg, Ruby ruby) {

        /** @throws NullPointerException if ruby is null */
        public Options {
            java.util.Objects.requireNonNull(ruby, "ruby");
        }

        /**
         * @param markdown whether the document is Markdown
         * @return the defaults: licence text skipped, ruby base text read
         */
        public static Options of(boolean markdown) {
            return new Options(markdown, false, Ruby.BASE);
        }
    }

    /**
     * @param text the document, plain text or Markdown
     * @param markdown whether to read headings as chapters and resolve Markdown markup
     * @return the chunks and chapters
     * @throws InvalidArgumentException naming {@value #FIELD} if the text is empty, holds nothing to
     *     say, or holds binary (NUL or control characters)
     */
    public NarrationDocument chunk(String text, boolean markdown) {
        return chunk(text, Options.of(markdown));
    }

    /**
     * @param text the document, plain text or Markdown
     * @param options how to read it
     * @return the chunks, chapters and what was left out
     * @throws InvalidArgumentException naming {@value #FIELD} if the text is empty, holds nothing to
     *     say, or holds binary (NUL or control characters)
     */
    public NarrationDocument chunk(String text, Options options) {
        checkText(text);
        List<Skipped> skipped = new ArrayList<>();
        String[] lines = lines(text);
        if (!options.keepGutenberg()) {
            BookText.stripGutenberg(lines, skipped);
        }
        BookText.stripAozora(lines, options.ruby(), skipped);
        List<Block> blocks = options.markdown() ? MarkdownReader.blocks(String.join("\n", lines), skipped) : plainBlocks(lines);
        List<Chunk> chunks = new ArrayList<>();
        List<Chapter> chapters = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) {
            Block block = blocks.get(b);
            boolean nextIsHeading = b + 1 < blocks.size() && blocks.get(b + 1).headingLevel() > 0;
            Pause blockEnd = block.headingLevel() > 0 || nextIsHeading ? Pause.HEADING : Pause.PARAGRAPH;
            if (block.headingLevel() > 0) {
                chapters.add(new Chapter(chapters.size() + 1, block.text(), block.headingLevel(), chunks.size()));
            }
            List<Piece> pieces = pack(sentences(block.text()));
            for (int i = 0; i < pieces.size(); i++) {
                Piece p = pieces.get(i);
                Pause pause = i == pieces.size() - 1 ? blockEnd : p.pause;
                chunks.add(new Chunk(chunks.size(), p.text, pause, chapters.size(), block.headingLevel() > 0, block.line()));
            }
        }
        if (chunks.isEmpty()) {
            throw new InvalidArgumentException(FIELD, "text has nothing to speak (only markup or whitespace"
                    + (skipped.isEmpty() ? "" : "; left out: " + skipped.getFirst().reason()) + ").");
        }
        skipped.sort(java.util.Comparator.comparingInt(Skipped::firstLine));
        return new NarrationDocument(chunks, chapters, skipped);
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

    /** A packed piece of a paragraph and what follows it inside the paragraph. */
    private record Piece(String text, Pause pause) {
    }

    private static String[] lines(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return t.replace("\r\n", "\n").replace('\r', '\n').replace('\f', '\n').split("\n", -1);
    }

    private static List<Block> plainBlocks(String[] lines) {
        List<Block> blocks = new ArrayList<>();
        StringBuilder para = new StringBuilder();
        int first = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                flush(para, first, blocks);
            } else {
                if (para.isEmpty()) {
                    first = i + 1;
                }
                join(para, line.strip());
            }
        }
        flush(para, first, blocks);
        return blocks;
    }

    private static void join(StringBuilder para, String line) {
        if (!para.isEmpty() && !(isCjk(para.charAt(para.length() - 1)) && isCjk(line.charAt(0)))) {
            para.append(' ');
        }
        para.append(line);
    }

    private static void flush(StringBuilder para, int line, List<Block> blocks) {
        String t = para.toString().replaceAll("\\s+", " ").strip();
        para.setLength(0);
        if (!t.isEmpty() && t.codePoints().anyMatch(Character::isLetterOrDigit)) {
            blocks.add(new Block(t, 0, line));
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
