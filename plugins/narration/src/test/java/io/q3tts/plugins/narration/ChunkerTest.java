package io.q3tts.plugins.narration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.InvalidArgumentException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    private final Chunker chunker = new Chunker(300);

    private List<String> texts(String text, boolean markdown) {
        return chunker.chunk(text, markdown).chunks().stream().map(Chunk::text).toList();
    }

    @Test
    void sentencesSplitAtTerminatorsButNotAtAbbreviationsInitialsOrDecimals() {
        assertEquals(List.of("Dr. Smith paid 3.14 dollars, e.g. for tea.", "Then J. R. left!", "Why?", "Done…"),
                Chunker.sentences("Dr. Smith paid 3.14 dollars, e.g. for tea. Then J. R. left! Why? Done…"));
    }

    @Test
    void closingQuotesStayWithTheirSentence() {
        assertEquals(List.of("He said \"Stop.\"", "She (quietly) went."),
                Chunker.sentences("He said \"Stop.\" She (quietly) went."));
    }

    @Test
    void chineseAndJapanesePunctuationEndSentencesWithoutSpaces() {
        assertEquals(List.of("你好。", "今天天气很好！", "我们去公园吗？", "好；", "走吧"),
                Chunker.sentences("你好。今天天气很好！我们去公园吗？好；走吧"));
        assertEquals(List.of("こんにちは。", "「元気？」", "はい！"), Chunker.sentences("こんにちは。「元気？」はい！"));
    }

    @Test
    void shortSentencesArePackedUpToTheLimitAndParagraphsEndChunks() {
        NarrationDocument d = chunker.chunk("One. Two. Three.\n\nFour.", false);
        assertEquals(List.of("One. Two. Three.", "Four."), d.chunks().stream().map(Chunk::text).toList());
        assertEquals(Pause.PARAGRAPH, d.chunks().get(0).pauseAfter());
        assertEquals(0, d.chunks().get(0).chapter());
        assertTrue(d.chapters().isEmpty());
    }

    @Test
    void packedChunksNeverExceedTheLimitAndSplitOnlyBetweenSentences() {
        String sentence = "This sentence is exactly fifty characters long ok. ";
        NarrationDocument d = chunker.chunk(sentence.repeat(20), false);
        for (Chunk c : d.chunks()) {
            assertTrue(c.text().length() <= 300, c.text());
            assertTrue(c.text().endsWith("ok."), c.text());
        }
        assertEquals(Pause.SENTENCE, d.chunks().get(0).pauseAfter());
        assertEquals(4, d.chunks().size());
    }

    @Test
    void anOverlongSentenceIsCutAtCommasThenSpacesAndThePiecesAbutWithoutAGap() {
        String clause = "and then the little dog ran around the garden";
        String sentence = String.join(", ", java.util.Collections.nCopies(12, clause)) + ".";
        NarrationDocument d = chunker.chunk(sentence, false);
        assertTrue(d.chunks().size() > 1);
        for (int i = 0; i < d.chunks().size(); i++) {
            Chunk c = d.chunks().get(i);
            assertTrue(c.text().length() <= 300);
            if (i < d.chunks().size() - 1) {
                assertTrue(c.text().endsWith(","), c.text());
                assertEquals(Pause.NONE, c.pauseAfter());
            }
        }
        String words = "word ".repeat(200).strip() + ".";
        for (Chunk c : chunker.chunk(words, false).chunks()) {
            assertTrue(c.text().length() <= 300);
            assertFalse(c.text().contains("wor d"));
            assertTrue(c.text().startsWith("word"));
        }
        String han = "字".repeat(1000);
        List<Chunk> hard = chunker.chunk(han, false).chunks();
        assertEquals(4, hard.size());
        assertEquals(han, hard.stream().map(Chunk::text).reduce("", String::concat));
    }

    @Test
    void markdownHeadingsBecomeChaptersWithLongerPausesAndMarkupIsStripped() {
        String md = """
                # Part *One*

                Some **bold** and _emphasis_ with a [link](http://x.y) and `code`. ![img](a.png)

                ```java
                int x = 1;
                ```

                - first item
                - second item

                Setext title
                ------------

                > A quote.
                """;
        NarrationDocument d = chunker.chunk(md, true);
        assertEquals(List.of("Part One", "Some bold and emphasis with a link and code.", "first item", "second item",
                "Setext title", "A quote."), d.chunks().stream().map(Chunk::text).toList());
        assertEquals(2, d.chapters().size());
        assertEquals(new Chapter(1, "Part One", 1, 0), d.chapters().get(0));
        assertEquals(new Chapter(2, "Setext title", 2, 4), d.chapters().get(1));
        assertEquals(Pause.HEADING, d.chunks().get(0).pauseAfter());
        assertEquals(Pause.PARAGRAPH, d.chunks().get(1).pauseAfter());
        assertEquals(Pause.HEADING, d.chunks().get(3).pauseAfter(), "the paragraph before a heading");
        assertEquals(List.of(1, 1, 1, 1, 2, 2), d.chunks().stream().map(Chunk::chapter).toList());
        assertTrue(d.chunks().get(0).heading());
    }

    @Test
    void plainTextKeepsMarkdownCharactersAndJoinsWrappedLines() {
        assertEquals(List.of("# Not a heading line one continues here."),
                texts("# Not a heading\nline one\ncontinues here.", false));
        assertEquals(List.of("第一行第二行。"), texts("第一行\n第二行。", false));
    }

    @Test
    void hostileInputFailsNamingTheTextField() {
        for (String bad : new String[] {null, "", "   \n\t ", "abc\u0000def", "PK\u0003\u0004junk"}) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> chunker.chunk(bad, false));
            assertEquals("text", e.field());
        }
        InvalidArgumentException onlyMarkup = assertThrows(InvalidArgumentException.class,
                () -> chunker.chunk("```\ncode only\n```\n---\n", true));
        assertEquals("text", onlyMarkup.field());
        assertTrue(onlyMarkup.getMessage().contains("nothing to speak"));
    }

    @Test
    void aMegabyteOfTextChunksQuicklyWithinTheLimit() {
        String para = "The quick brown fox jumps over the lazy dog, again and again. Dr. Who said 2.5 times more!\n\n";
        String big = para.repeat(1_048_576 / para.length() + 1);
        NarrationDocument d = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> chunker.chunk(big, true));
        assertTrue(d.chunks().size() > 10_000);
        assertTrue(d.chunks().stream().allMatch(c -> c.text().length() <= 300 && !c.text().isBlank()));
        String unbroken = "x".repeat(1_048_576);
        assertEquals(3496, chunker.chunk(unbroken, false).chunks().size());
    }
}
