package io.q3tts.plugins.narration;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.node.Code;
import org.commonmark.node.Delimited;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * Reads Markdown with a CommonMark parser (commonmark-java, plus GFM tables) and keeps what a
 * listener should hear: headings (chapters), paragraphs, list items, quotes and table rows, as the
 * text of their text nodes. So emphasis, escapes and entities are resolved exactly as a renderer
 * would ({@code snake_case_name} stays as written, {@code &amp;} is "&amp;"; emphasis inside a number,
 * {@code 2*3*4}, is taken for arithmetic and kept), and what
 * is read by eye is left out with a reason: code blocks, HTML blocks, images, footnote markers
 * ({@code [^1]}). The tree is walked with an explicit stack, so no input nests deep enough to
 * overflow the thread's stack. Thread-safe (the parser is immutable).
 */
final class MarkdownReader {

    private static final Parser PARSER = Parser.builder()
            .extensions(List.of(org.commonmark.ext.gfm.tables.TablesExtension.create()))
            .includeSourceSpans(IncludeSourceSpans.BLOCKS)
            .build();
    /** A footnote reference with no definition stays literal text in CommonMark; it is a mark, not words. */
    // A label holds no bracket, so a run of "[^[^[^" fails at once at each position instead of scanning ahead.
    private static final Pattern FOOTNOTE = Pattern.compile("\\[\\^[^\\[\\]\\s]{1,64}]");
    private static final Pattern FOOTNOTE_DEFINITION = Pattern.compile("\\[\\^[^\\[\\]\\s]{1,64}]:");

    private MarkdownReader() {
    }

    /**
     * @param text the Markdown
     * @param skipped where left-out blocks are reported
     * @return the speakable blocks in reading order
     */
    static List<Block> blocks(String text, List<Skipped> skipped) {
        Node document = PARSER.parse(text);
        List<Block> out = new ArrayList<>();
        Deque<Node> stack = new ArrayDeque<>();
        pushChildren(stack, document);
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            int line = line(node);
            switch (node) {
                case Heading h -> add(out, inline(h), h.getLevel(), line);
                case Paragraph p -> {
                    String raw = rawInline(p);
                    if (FOOTNOTE_DEFINITION.matcher(raw).lookingAt()) {
                        skipped.add(new Skipped(line, lastLine(p, line), "footnote", shorten(raw)));
                    } else {
                        add(out, clean(raw), 0, line);
                    }
                }
                case TableBlock t -> table(t, out, line);
                case FencedCodeBlock c -> skipped.add(new Skipped(line, lastLine(c, line), "code block: read by eye, not by ear",
                        shorten(c.getLiteral())));
                case IndentedCodeBlock c -> skipped.add(new Skipped(line, lastLine(c, line),
                        "indented code block: read by eye, not by ear", shorten(c.getLiteral())));
                case HtmlBlock h -> skipped.add(new Skipped(line, lastLine(h, line), "HTML block", shorten(h.getLiteral())));
                case ThematicBreak b -> {
                    // A rule is a pause for the eye; the paragraphs around it already get theirs.
                }
                default -> pushChildren(stack, node);
            }
        }
        return out;
    }

    private static void table(TableBlock table, List<Block> out, int line) {
        Deque<Node> stack = new ArrayDeque<>();
        pushChildren(stack, table);
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            if (node instanceof TableRow row) {
                List<String> cells = new ArrayList<>();
                for (Node c = row.getFirstChild(); c != null; c = c.getNext()) {
                    if (c instanceof TableCell cell) {
                        String t = inline(cell);
                        if (!t.isEmpty()) {
                            cells.add(t);
                        }
                    }
                }
                add(out, String.join(", ", cells), 0, line(row) > 0 ? line(row) : line);
            } else {
                pushChildren(stack, node);
            }
        }
    }

    private static void add(List<Block> out, String text, int level, int line) {
        String t = text.strip();
        if (!t.isEmpty() && t.codePoints().anyMatch(Character::isLetterOrDigit)) {
            out.add(new Block(t, level, line));
        }
    }

    /** @return the words of a block's inline content, markup resolved, on one line */
    static String inline(Node block) {
        return clean(rawInline(block));
    }

    private static String clean(String raw) {
        return joinLines(FOOTNOTE.matcher(raw).replaceAll(""));
    }

    private static String rawInline(Node block) {
        StringBuilder b = new StringBuilder();
        Deque<Node> stack = new ArrayDeque<>();
        pushChildren(stack, block);
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            switch (node) {
                case Text t -> b.append(t.getLiteral());
                case Code c -> b.append(c.getLiteral());
                case SoftLineBreak s -> b.append('\n');
                case HardLineBreak h -> b.append('\n');
                case Image i -> {
                    // An image is seen, not heard; its alt text describes a picture the listener does not have.
                }
                case HtmlInline h -> {
                    // Tags are markup; the text between them is a Text node of its own and is kept.
                }
                case Link l when isFootnote(l) -> {
                    // [^1] with a definition parses as a link to it: a mark for the eye.
                }
                case Delimited d when betweenDigits(node) -> {
                    // CommonMark reads 2*3*4 as 2, emphasised 3, 4; nobody emphasises inside a number, so it is
                    // arithmetic and the stars are words ("times").
                    stack.push(new Text(d.getClosingDelimiter()));
                    pushChildren(stack, node);
                    stack.push(new Text(d.getOpeningDelimiter()));
                }
                default -> pushChildren(stack, node);
            }
        }
        return b.toString();
    }

    private static boolean betweenDigits(Node node) {
        return node.getPrevious() instanceof Text before && !before.getLiteral().isEmpty()
                && Character.isDigit(before.getLiteral().charAt(before.getLiteral().length() - 1))
                && node.getNext() instanceof Text after && !after.getLiteral().isEmpty()
                && Character.isDigit(after.getLiteral().charAt(0));
    }

    private static boolean isFootnote(Link link) {
        return link.getFirstChild() instanceof Text t && t.getNext() == null && t.getLiteral().startsWith("^");
    }

    /** Joins the lines of a paragraph: a space between words, nothing between two CJK characters. */
    private static String joinLines(String s) {
        StringBuilder out = new StringBuilder(s.length());
        String[] lines = s.split("\n", -1);
        for (String line : lines) {
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            if (!out.isEmpty() && !(Chunker.isCjk(out.charAt(out.length() - 1)) && Chunker.isCjk(t.charAt(0)))) {
                out.append(' ');
            }
            out.append(t);
        }
        return out.toString().replaceAll("[ \\t\\u00A0]+", " ");
    }

    private static void pushChildren(Deque<Node> stack, Node node) {
        // Children go on the stack last-first, so they come off it in document order.
        List<Node> children = new ArrayList<>();
        for (Node c = node.getFirstChild(); c != null; c = c.getNext()) {
            children.add(c);
        }
        for (int i = children.size() - 1; i >= 0; i--) {
            stack.push(children.get(i));
        }
    }

    private static int line(Node node) {
        List<SourceSpan> spans = node.getSourceSpans();
        return spans.isEmpty() ? 0 : spans.getFirst().getLineIndex() + 1;
    }

    private static int lastLine(Node node, int first) {
        List<SourceSpan> spans = node.getSourceSpans();
        return spans.isEmpty() ? first : spans.getLast().getLineIndex() + 1;
    }

    static String shorten(String s) {
        String t = s.strip().replaceAll("\\s+", " ");
        return t.length() <= 60 ? t : t.substring(0, 57) + "...";
    }
}
