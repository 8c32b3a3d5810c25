package io.q3tts.plugins.scriptread;

import io.q3tts.plugins.testkit.Fuzz;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Random and mutated scripts in every format: every one is parsed or refused with a 400, each within a second. */
class ScriptFuzzTest {

    private static final List<String> CORPUS = List.of(
            ScriptParserTest.example("table-read.txt"), ScriptParserTest.example("table-read.fountain"),
            ScriptParserTest.example("table-read.csv"), ScriptParserTest.example("table-read.json"),
            "#Person1#: I have an issue.\n#Person2#: What is it?\n",
            "First Citizen:\nBefore we proceed.\n\nAll:\nSpeak, speak.\n",
            "SOCRATES: Then we are\nback where we started: nothing.\nor:\n",
            "Text /* a /* b */ c */ f\\*ck [[note]]\n\nBOB\n(quietly)\nHi.\n");
    private static final List<String> TOKENS = List.of(":", "\n", "\n\n", "#", "#A#:", "(", ")", "[pause 1s]", "[beat]", "[",
            "]", "/*", "*/", "[[", "]]", "*", "_", "\\", "@", "!", ">", "<", "INT. ", "NAME", "\"", ",", "\t", "{", "}", "~", "^");

    private final ScriptParser parser = new ScriptParser(500_000, 2_000);

    @Test
    void everyFormatNeverFaultsAndNeverTakesASecond() {
        for (String format : List.of("auto", "text", "fountain", "csv", "tsv", "json")) {
            new Fuzz(format.hashCode(), CORPUS, TOKENS).run(200, text -> parser.parse(text, format, null));
        }
    }
}
