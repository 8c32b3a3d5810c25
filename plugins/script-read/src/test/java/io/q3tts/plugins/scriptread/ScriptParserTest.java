package io.q3tts.plugins.scriptread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScriptParserTest {

    private final ScriptParser parser = new ScriptParser(100_000, 50);

    /** @return an example script from docs/examples (the documented examples are the test inputs) */
    static String example(String name) {
        Path here = Path.of("").toAbsolutePath();
        while (here != null && !Files.isDirectory(here.resolve("docs/examples"))) {
            here = here.getParent();
        }
        try {
            return Files.readString(Objects.requireNonNull(here, "no docs/examples above the working directory")
                    .resolve("docs/examples/" + name));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String summary(ScriptLine l) {
        return (l.speaker() == null ? "-" : l.speaker()) + "|" + l.text() + "|" + l.instruct() + "|" + l.pause();
    }

    private InvalidArgumentException error(String input, String format) {
        return assertThrows(InvalidArgumentException.class, () -> parser.parse(input, format, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"table-read.txt", "table-read.csv", "table-read.json", "table-read.fountain"})
    void theFourExamplesReadAsTheSameScene(String file) {
        Script s = parser.parse(example(file), "auto", null);
        assertEquals(file.substring(file.indexOf('.') + 1).replace("txt", "text"), s.format());
        List<ScriptLine> lines = s.lines().stream().filter(l -> !l.text().startsWith("INT.")).toList();
        assertEquals(6, lines.size(), () -> s.lines().toString());
        assertNull(lines.get(0).speaker());
        assertEquals("The kitchen is dark. A kettle starts to whistle.", lines.get(0).text());
        assertEquals("ALICE|Did you hear that?|null|null", summary(lines.get(1)));
        assertEquals("BOB|It's only the kettle.|whispering|null", summary(lines.get(2)));
        assertEquals("ALICE", lines.get(3).speaker());
        assertEquals("annoyed", lines.get(3).instruct());
        assertEquals(1.5, lines.get(3).pause());
        assertEquals("Bob shrugs and turns on the light.", lines.get(4).text());
        assertEquals("BOB|Tea, then.|null|null", summary(lines.get(5)));
    }

    @Test
    void textFormatRulesAndLineNumbers() {
        Script s = parser.parse(example("table-read.txt"), null, null);
        assertEquals(List.of(2, 4, 5, 6, 8, 11), s.lines().stream().map(ScriptLine::sourceLine).toList());
        assertEquals(ScriptParser.BEAT, s.lines().get(4).pause(), "two blank lines are a beat");
        Script more = parser.parse("[pause 2s]\nNARRATOR: Once.\nAnn Lee (softly): (sadly) Hi: there.\n[beat]\n[pause 500ms]\n"
                + "(She leaves.)\nSee http://example.com at 10:30.", "text", null);
        assertEquals(2.0, more.leadIn());
        assertEquals("-|Once.|null|null", summary(more.lines().get(0)));
        assertEquals("Ann Lee|Hi: there.|softly, sadly|1.5", summary(more.lines().get(1)));
        assertEquals("-|She leaves.|null|null", summary(more.lines().get(2)));
        assertNull(more.lines().get(3).speaker(), "a URL or a time is no speaker");
    }

    @Test
    void csvAndTsvFollowRfc4180() {
        Script s = parser.parse("Character\tLine\tEmotion\tGap\tNotes\r\nA\t\"two\r\nlines\"\tsad\t250ms\tx\r\n\r\n\t\t\t1\t\r\nB\thi\t\t\t\r\n",
                "auto", null);
        assertEquals("tsv", s.format());
        assertEquals(List.of("A|two lines|sad|1.25", "B|hi|null|null"), s.lines().stream().map(ScriptParserTest::summary).toList());
        assertEquals(List.of(2, 6), s.lines().stream().map(ScriptLine::sourceLine).toList());
        Script c = parser.parse("speaker,text\nA, \"quoted, with comma\" \nB,plain \"inner\" quote\n", "csv", null);
        assertEquals("quoted, with comma", c.lines().get(0).text());
        assertEquals("plain \"inner\" quote", c.lines().get(1).text());
    }

    @Test
    void jsonAsObjectOrArrayWithPausesAndVoices() {
        Script s = parser.parse("[{\"pause\": 0.5}, {\"speaker\": \"A\", \"text\": \"Hi\", \"pause\": \"2s\"}, {\"pause\": 1},"
                + " {\"speaker\": \"narrator\", \"text\": \"Rain.\"}]", "auto", null);
        assertEquals(0.5, s.leadIn());
        assertEquals(List.of("A|Hi|null|3.0", "-|Rain.|null|null"), s.lines().stream().map(ScriptParserTest::summary).toList());
        Script o = parser.parse(example("table-read.json"), null, null);
        assertEquals(Map.of("ALICE", "vivian", "BOB", "ryan"), o.voices());
        assertEquals("ryan", o.narrator());
        assertEquals(List.of(5, 6, 7, 8, 9, 10), o.lines().stream().map(ScriptLine::sourceLine).toList());
    }

    @Test
    void fountainBasics() {
        Script s = parser.parse(example("table-read.fountain"), null, null);
        assertEquals("KITCHEN - NIGHT", s.lines().get(0).text().replace("INT. ", ""));
        assertEquals(4, s.lines().get(0).sourceLine());
        assertEquals("ALICE", s.lines().get(4).speaker(), "extensions like (V.O.) are not part of the name");
        assertTrue(s.lines().stream().noneMatch(l -> l.text().contains("CUT TO") || l.text().contains("fridge")
                || l.text().contains("sound cue") || l.text().contains("Kettle")), "transitions, boneyard, notes, title page");
        Script split = parser.parse("\nANN\n(softly)\nHello.\n(louder)\nHELLO!\n\n.FLASHBACK #12#\n\n> THE END <\n\n@McCoy\nDammit.\n",
                "fountain", null);
        assertEquals(List.of("ANN|Hello.|softly|null", "ANN|HELLO!|louder|null", "-|FLASHBACK|null|null",
                "-|THE END|null|null", "McCoy|Dammit.|null|null"), split.lines().stream().map(ScriptParserTest::summary).toList());
    }

    @Test
    void detection() {
        assertEquals("json", ScriptParser.detect("  {\"lines\": []}", null));
        assertEquals("text", ScriptParser.detect("[pause 1s]\nA: hi", null));
        assertEquals("csv", ScriptParser.detect("\uFEFFspeaker,text\nA,hi", null));
        assertEquals("csv", ScriptParser.detect("\uFEFFSpeaker,Text\r\nA,hi\r\n", null));
        assertEquals("fountain", ScriptParser.detect("EXT. PARK - DAY\n\nBirds.", null));
        assertEquals("tsv", ScriptParser.detect("whatever", "lines.TSV"));
        assertEquals("format", assertThrows(InvalidArgumentException.class,
                () -> parser.parse("A: hi", "html", null)).field());
    }

    @Test
    void hostileInputsFailWithTheLineAndNeverCrash() {
        assertMessage(error("", null), "script is empty");
        assertMessage(error(" \n\t\n", "csv"), "script is empty");
        assertMessage(error("A: hi\nB: \u0000\u0001binary", null), "line 2: the script contains binary data");
        assertMessage(error("x".repeat(100_001), null), "at most 100000");
        assertMessage(error("A: hi\n".repeat(51), null), "has 51 lines; at most 50");
        assertMessage(error("A: " + "y".repeat(5000), null), "line 1: the line is 5000 characters");
        assertMessage(error("A: fine\nB:\n", null), "line 2: 'B' is followed by a colon but no text");
        assertMessage(error("A: hi\n[pause forever]", null), "line 2: pause 'forever' is not a duration");
        assertMessage(error("A: hi\n[pause 90s]", null), "line 2: pause of 90.0 s is longer than 60 s");
        assertMessage(error("# only a comment", null), "no lines to speak");
        // CSV / TSV
        assertMessage(error("speaker,text\nA,\"never closed\nB,hi\n", "csv"), "line 2: a quoted field starts here but its closing quote is missing");
        assertMessage(error("speaker,text\nA,\"bad\"x\n", "csv"), "line 2: unexpected 'x' after a closing quote");
        assertMessage(error("person,words\nA,hi", "csv"), "line 1: the header row must name the columns speaker and text");
        assertMessage(error("speaker,text\n\nA,hi,extra", "csv"), "line 3: the row has 3 fields but the header has 2");
        assertMessage(error("speaker,text,pause\nA,,\n", "csv"), "line 2: the text column is empty for A");
        assertMessage(error("speaker,text,pause\nA,hi,soon\n", "csv"), "line 2: pause 'soon' is not a duration");
        assertMessage(error("speaker,speaker,text\nA,B,hi", "csv"), "line 1: the header names the speaker column twice");
        // JSON
        assertMessage(error("{\"lines\": [\n{\"speaker\": \"A\", \"text\": \"hi\"},\n{\"speaker\": \"B\" \"text\": 1}]}", "json"),
                "line 3: not valid JSON");
        assertMessage(error("[\n{\"speaker\": \"A\"}\n]", "json"), "line 2: lines[0] has no text");
        assertMessage(error("[\n1]", "json"), "line 2: lines[0] must be an object");
        assertMessage(error("{\"lines\": [{\"text\": \"x\", \"speaker\": 5}]}", "json"), "lines[0] speaker must be a string");
        assertMessage(error("{\"voices\": {}}", "json"), "needs a \"lines\" array");
        assertMessage(error("[] []", "json"), "unexpected content after the end");
        assertMessage(error("[{\"text\": \"a\", \"deep\": " + "[".repeat(5000) + "]".repeat(5000) + "}]", "json"), "not valid JSON");
        assertMessage(error("\"just a string\"", "json"), "a JSON script is an object");
        // Fountain
        assertMessage(error("\nBOB\n(quietly)\n\nAction.", "fountain"), "line 2: character BOB has no dialogue");
        assertMessage(error("Action.\n\n/* never closed\n\nMore.", "fountain"), "line 3: a boneyard /* is opened here but never closed");
        assertMessage(error("Action. [[ note\n", "fountain"), "line 1: a note [[ is opened here but never closed");
    }

    @Test
    void everyErrorNamesTheScriptField() {
        for (String bad : List.of("", "\u0007", "speaker,text\nA,\"x", "[{]", "\nA: \n")) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> parser.parse(bad, null, null));
            assertEquals("script", e.field(), bad);
        }
    }

    @Test
    void randomBytesNeverCrashTheParser() {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 300; round++) {
            byte[] bytes = new byte[random.nextInt(400)];
            random.nextBytes(bytes);
            String input = new String(bytes, StandardCharsets.ISO_8859_1).replaceAll("[\\x00-\\x08\\x0e-\\x1f]", "");
            for (String format : ScriptParser.FORMATS) {
                try {
                    Script s = parser.parse(input, format, null);
                    assertTrue(!s.lines().isEmpty());
                } catch (InvalidArgumentException e) {
                    assertEquals("script", e.field());
                }
            }
        }
    }

    private static void assertMessage(InvalidArgumentException e, String expected) {
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
        assertEquals("script", e.field());
    }
}
