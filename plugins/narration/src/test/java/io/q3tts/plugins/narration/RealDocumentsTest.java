package io.q3tts.plugins.narration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reproductions of issue 12 for narration: Markdown read by a CommonMark parser, Gutenberg and Aozora books. */
class RealDocumentsTest {

    private final Chunker chunker = new Chunker(300);

    private List<String> md(String text) {
        return chunker.chunk(text, true).chunks().stream().map(Chunk::text).toList();
    }

    @Test
    void aLongRuleLineIsARuleNotAStackOverflow() {
        for (String c : List.of("-", "*", "_")) {
            String text = "Intro.\n\n" + c.repeat(3500) + "\n\nOutro.";
            assertEquals(List.of("Intro.", "Outro."), assertTimeoutPreemptively(Duration.ofSeconds(1), () -> md(text)), c);
        }
    }

    @Test
    void aRunOfBracketsIsLinear() {
        String text = "Start " + "[".repeat(40_000) + " end.";
        List<String> chunks = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> md(text));
        assertTrue(chunks.getFirst().startsWith("Start [[["), chunks.getFirst().substring(0, 20));
    }

    @Test
    void markupIsResolvedAsCommonMarkDoes() {
        assertEquals(List.of("snake_case_name and 2*3*4."), md("snake_case_name and 2*3*4."));
        assertEquals(List.of("Fish & chips, café."), md("Fish &amp; chips, caf&#233;."));
        NarrationDocument notes = chunker.chunk("A claim.[^1]\n\n[^1]: The source.\n\nNext.", true);
        assertEquals(List.of("A claim.", "Next."), notes.chunks().stream().map(Chunk::text).toList());
        assertEquals("footnote", notes.skipped().getFirst().reason());
        assertEquals(List.of("Undefined note."), md("Undefined note[^2]."));
        assertEquals(List.of("one two three."), md("*one\ntwo* three."));
        assertEquals(List.of("Keep *this* literal."), md("Keep \\*this\\* literal."));
    }

    @Test
    void codeIsLeftOutAndReported() {
        NarrationDocument d = chunker.chunk("Prose.\n\n    int x = 1;\n    int y = 2;\n\n```\nfenced();\n```\n\nMore prose.", true);
        assertEquals(List.of("Prose.", "More prose."), d.chunks().stream().map(Chunk::text).toList());
        assertEquals(2, d.skipped().size(), d.skipped().toString());
        assertEquals(3, d.skipped().getFirst().firstLine());
        assertEquals(4, d.skipped().getFirst().lastLine());
        assertTrue(d.skipped().getFirst().reason().startsWith("indented code block"), d.skipped().toString());
        assertEquals("int x = 1; int y = 2;", d.skipped().getFirst().text());
    }

    @Test
    void headingsStayChaptersAndTablesAreReadByRow() {
        NarrationDocument d = chunker.chunk("Title\n=====\n\n## Part *two*\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", true);
        assertEquals(List.of("Title", "Part two", "a, b", "1, 2"), d.chunks().stream().map(Chunk::text).toList());
        assertEquals(List.of("Title", "Part two"), d.chapters().stream().map(Chapter::title).toList());
    }

    private static final String GUTENBERG = """
            The Project Gutenberg eBook of Alice's Adventures in Wonderland

            This ebook is for the use of anyone anywhere in the United States.

            *** START OF THE PROJECT GUTENBERG EBOOK ALICE'S ADVENTURES IN WONDERLAND ***

            CHAPTER I.
            Down the Rabbit-Hole

            Alice was beginning to get very tired.

            *** END OF THE PROJECT GUTENBERG EBOOK ALICE'S ADVENTURES IN WONDERLAND ***

            Updated editions will replace the previous one.
            """;

    @Test
    void gutenbergHeaderAndLicenceAreSkippedAndReported() {
        for (boolean markdown : List.of(false, true)) {
            NarrationDocument d = chunker.chunk(GUTENBERG, markdown);
            List<String> texts = d.chunks().stream().map(Chunk::text).toList();
            assertEquals("Alice was beginning to get very tired.", texts.getLast());
            assertTrue(texts.stream().noneMatch(t -> t.contains("Gutenberg") || t.contains("ebook")), texts.toString());
            assertEquals(2, d.skipped().size());
            assertEquals(1, d.skipped().get(0).firstLine());
            assertEquals(5, d.skipped().get(0).lastLine());
            assertEquals(12, d.skipped().get(1).firstLine());
            assertTrue(d.skipped().get(1).reason().contains("licence"));
        }
        NarrationDocument kept = chunker.chunk(GUTENBERG, new Chunker.Options(false, true, Ruby.BASE));
        assertTrue(kept.chunks().getFirst().text().contains("Project Gutenberg"));
        assertTrue(kept.skipped().isEmpty());
        NarrationDocument old = chunker.chunk("Header.\n\n*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\n\n"
                + "Book.\n\nEnd of the Project Gutenberg EBook of Something\n\nLicence.", false);
        assertEquals(List.of("Book."), old.chunks().stream().map(Chunk::text).toList());
    }

    @Test
    void aozoraRubyAndNotesAreNotRead() {
        String line = "一人の下人《げにん》が、所々｜丹塗《にぬり》の剥げた［＃「剥げた」に傍点］柱。";
        assertEquals(List.of("一人の下人が、所々丹塗の剥げた柱。"),
                chunker.chunk(line, false).chunks().stream().map(Chunk::text).toList());
        assertEquals(List.of("一人のげにんが、所々にぬりの剥げた柱。"),
                chunker.chunk(line, new Chunker.Options(false, false, Ruby.READING)).chunks().stream().map(Chunk::text).toList());
        NarrationDocument d = chunker.chunk(line, false);
        assertEquals(1, d.skipped().size());
        assertTrue(d.skipped().getFirst().reason().contains("Aozora"), d.skipped().toString());
        assertEquals(List.of("我读了《红楼梦》。"), chunker.chunk("我读了《红楼梦》。", false).chunks().stream()
                .map(Chunk::text).toList(), "Chinese title marks are words, not ruby");
    }
}
