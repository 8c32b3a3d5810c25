package io.q3tts.plugins.narration;

import io.q3tts.plugins.testkit.Fuzz;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Random and mutated documents: every one is chunked or refused with a 400, each within a second. */
class NarrationFuzzTest {

    private static final List<String> CORPUS = List.of(
            "# Title\n\nSome *emphasis* and **strong** text, a [link](http://x) and `code`.\n\n- item one\n- item two\n\n"
                    + "> a quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n\n    indented\n\nFootnote[^1].\n\n[^1]: Note.",
            "Intro.\n\n" + "-".repeat(300) + "\n\nOutro.",
            "*** START OF THE PROJECT GUTENBERG EBOOK X ***\n\nCHAPTER I.\n\nText here.\n\n*** END OF THE PROJECT GUTENBERG EBOOK X ***\n",
            "一人の下人《げにん》が、所々｜丹塗《にぬり》の剥げた［＃「剥げた」に傍点］柱。\n\n次の段落。",
            "Plain text. Dr. Smith paid 3.14 dollars. Then he left!\n\nA new paragraph…");
    private static final List<String> TOKENS = List.of("-", "*", "_", "[", "]", "(", ")", "!", "#", "`", "~", ">", "<", "|",
            "\\", "&", "&amp;", "&#", "《", "》", "｜", "［＃", "］", "\n", "\n\n", "    ", "[^", "***", ":", ".", "。", "<div>");

    @Test
    void markdownDocumentsNeverFaultAndNeverTakeASecond() {
        Chunker chunker = new Chunker(300);
        // Runs of one token up to 25 000 characters: the issue's worst cases (3 500 '-', 40 000 '[') have tests of their own.
        new Fuzz(12, CORPUS, TOKENS).maxRun(25_000).run(400, text -> chunker.chunk(text, true));
    }

    @Test
    void plainDocumentsNeverFaultAndNeverTakeASecond() {
        Chunker chunker = new Chunker(300);
        new Fuzz(13, CORPUS, TOKENS).maxRun(25_000).run(300, text -> chunker.chunk(text, new Chunker.Options(false, false, Ruby.READING)));
    }
}
