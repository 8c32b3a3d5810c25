package io.q3tts.plugins.narration;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What books from the big free libraries carry besides the book, removed before reading: the
 * Project Gutenberg header and licence outside the {@code *** START OF ...} / {@code *** END OF ...}
 * markers (and their older forms), and Aozora Bunko markup: ruby readings {@code 《…》} with the
 * base marker {@code ｜}, and editor's notes {@code ［＃…］}. Lines are blanked rather than removed, so
 * line numbers in reports stay those of the file. Pure; thread-safe.
 */
final class BookText {

    private static final Pattern START = Pattern.compile(
            "(?i)^\\s*(?:\\*{2,}\\s*START\\s+OF\\s+(?:THE\\s+|THIS\\s+)?PROJECT\\s+GUTENBERG.*"
                    + "|\\*END\\*\\s*THE\\s+SMALL\\s+PRINT.*)$");
    private static final Pattern END = Pattern.compile(
            "(?i)^\\s*(?:\\*{2,}\\s*END\\s+OF\\s+(?:THE\\s+|THIS\\s+)?PROJECT\\s+GUTENBERG.*"
                    + "|END\\s+OF\\s+(?:THE\\s+)?PROJECT\\s+GUTENBERG(?:'S)?\\s.*)$");
    /** Longest editor's note, in characters; a longer "note" is an unclosed bracket in the text. */
    private static final int MAX_NOTE = 500;
    private static final Pattern MARKED_RUBY = Pattern.compile("｜([^《｜\\n]{1,100})《([^》\\n]{1,100})》");
    private static final Pattern KANJI_RUBY = Pattern.compile("([\\p{IsHan}々〆ヵヶ〇]{1,100})《([^》\\n]{1,100})》");
    private static final Pattern RUBY = Pattern.compile("《[^》\\n]{1,100}》");
    private static final Pattern KANA = Pattern.compile("[\\p{IsHiragana}\\p{IsKatakana}]");

    private BookText() {
    }

    /**
     * Blanks the Project Gutenberg header and licence.
     *
     * @param lines the document's lines, changed in place
     * @param skipped where what was left out is reported
     */
    static void stripGutenberg(String[] lines, List<Skipped> skipped) {
        int start = -1;
        for (int i = 0; i < lines.length; i++) {
            if (START.matcher(lines[i]).matches()) {
                start = i;
                break;
            }
        }
        int end = -1;
        for (int i = start + 1; i < lines.length; i++) {
            if (END.matcher(lines[i]).matches()) {
                end = i;
                break;
            }
        }
        if (start < 0 && end < 0) {
            return;
        }
        if (start >= 0) {
            skipped.add(new Skipped(1, start + 1, "Project Gutenberg header (up to its START marker)",
                    MarkdownReader.shorten(lines[start])));
            blank(lines, 0, start + 1);
        }
        if (end >= 0) {
            skipped.add(new Skipped(end + 1, lines.length, "Project Gutenberg licence (from its END marker)",
                    MarkdownReader.shorten(lines[end])));
            blank(lines, end, lines.length);
        }
    }

    /**
     * Copies a line without its {@code ［＃…］} notes in one pass (the closing bracket is looked up once
     * and reused, so a line of ten thousand unclosed {@code ［＃} stays linear).
     *
     * @return how many notes were removed
     */
    private static int removeNotes(String line, StringBuilder kept) {
        int removed = 0;
        int close = -2;
        int n = line.length();
        int i = 0;
        while (i < n) {
            if (line.charAt(i) == '［' && i + 1 < n && line.charAt(i + 1) == '＃') {
                if (close != -1 && close < i) {
                    close = line.indexOf('］', i);
                }
                if (close > 0 && close - i <= MAX_NOTE) {
                    removed++;
                    i = close + 1;
                    continue;
                }
            }
            kept.append(line.charAt(i));
            i++;
        }
        return removed;
    }

    private static void blank(String[] lines, int from, int to) {
        for (int i = from; i < to; i++) {
            lines[i] = "";
        }
    }

    /**
     * Removes Aozora Bunko markup from Japanese text (text with kana; Chinese uses {@code 《》} for
     * titles, which are words).
     *
     * @param lines the document's lines, changed in place
     * @param ruby how ruby is read
     * @param skipped where the count of removed notes is reported
     */
    static void stripAozora(String[] lines, Ruby ruby, List<Skipped> skipped) {
        boolean japanese = false;
        for (String line : lines) {
            if (KANA.matcher(line).find()) {
                japanese = true;
                break;
            }
        }
        if (!japanese) {
            return;
        }
        int notes = 0;
        int firstNote = 0;
        String firstText = "";
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.indexOf('［') >= 0) {
                StringBuilder kept = new StringBuilder(line.length());
                int removed = removeNotes(line, kept);
                if (removed > 0) {
                    if (notes == 0) {
                        firstNote = i + 1;
                        int from = line.indexOf("［＃");
                        firstText = line.substring(from, Math.min(line.length(), line.indexOf('］', from) + 1));
                    }
                    notes += removed;
                    line = kept.toString();
                }
            }
            if (line.indexOf('《') >= 0) {
                String keep = ruby == Ruby.READING ? "$2" : "$1";
                line = MARKED_RUBY.matcher(line).replaceAll(keep);
                line = KANJI_RUBY.matcher(line).replaceAll(keep);
                line = RUBY.matcher(line).replaceAll("");
            }
            lines[i] = line.replace("｜", "");
        }
        if (notes > 0) {
            skipped.add(new Skipped(firstNote, firstNote, notes + " Aozora editor's note" + (notes == 1 ? "" : "s")
                    + " ［＃…］ (not part of the text)", MarkdownReader.shorten(firstText)));
        }
    }
}
