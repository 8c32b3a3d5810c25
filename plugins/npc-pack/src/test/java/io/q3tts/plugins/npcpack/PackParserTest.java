package io.q3tts.plugins.npcpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pack parser on good input in every accepted shape, and on malformed and hostile input. */
class PackParserTest {

    private static final String CAST_CSV = "character,description,voice,language\n"
            + "Guard,A gruff old man,,english\nnarrator,,ryan,\n";
    private static final String JSON_PACK = """
            {"characters": [{"id": "Guard", "description": "A gruff old man", "language": "English"},
                            {"name": "Old Narrator", "voice": "Ryan"},
                            {"id": "hero", "voice": "saved:my-hero"}],
             "lines": [{"character": "guard", "id": "GREET 01", "text": " Halt! ", "emotion": "angry"},
                       {"character": "Old Narrator", "line_id": 7, "text": "It was late.", "instruct": "Slowly."},
                       {"character": "hero", "id": "greet_01", "text": "Hi."}]}
            """;

    private final PackParser parser = new PackParser(new PackParser.Limits(4096, 5, 3));

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private InvalidArgumentException fails(String input, String characters) {
        return assertThrows(InvalidArgumentException.class,
                () -> parser.parse(b(input), characters == null ? null : b(characters)));
    }

    private InvalidArgumentException failsCsv(String lines) {
        return fails(lines, CAST_CSV);
    }

    @Test
    void givenAJsonPack_whenParsed_thenIdsAreEngineFriendlyAndKindsFollowTheVoice() {
        Pack pack = parser.parse(b(JSON_PACK), null);
        assertEquals(List.of("guard", "old_narrator", "hero"), pack.characters().stream().map(PackCharacter::id).toList());
        assertEquals(PackCharacter.Kind.DESIGNED, pack.characters().get(0).kind());
        assertEquals("english", pack.characters().get(0).language());
        assertEquals(PackCharacter.Kind.PRESET, pack.characters().get(1).kind());
        assertEquals("ryan", pack.characters().get(1).voice());
        assertEquals(PackCharacter.Kind.LIBRARY, pack.characters().get(2).kind());
        assertEquals("my-hero", pack.characters().get(2).savedVoiceId());
        PackLine first = pack.lines().getFirst();
        assertEquals("guard/greet_01.wav", first.file("wav"));
        assertEquals("Halt!", first.text());
        assertEquals("angry", first.styleInstruct());
        assertEquals("old_narrator/7.wav", pack.lines().get(1).file("wav"));
        assertEquals("Slowly.", pack.lines().get(1).styleInstruct());
        assertEquals(List.of(pack.characters().getFirst()), pack.designs());
    }

    @Test
    void givenCsvLinesWithBomCrlfQuotesAndExtraColumns_whenParsed_thenEveryFieldIsRead() {
        String lines = "\uFEFFCharacter,Line ID,Text,Emotion,Notes\r\n"
                + "guard,bark_01,\"Halt, \"\"stranger\"\"!\",angry,ignored\r\n"
                + "\r\n"
                + "narrator,intro,\"Two\nlines.\",,\r\n";
        Pack pack = parser.parse(b(lines), b(CAST_CSV));
        assertEquals(2, pack.lines().size());
        assertEquals("Halt, \"stranger\"!", pack.lines().get(0).text());
        assertEquals("angry", pack.lines().get(0).emotion());
        assertEquals("Two\nlines.", pack.lines().get(1).text());
        assertNull(pack.lines().get(1).emotion());
    }

    @Test
    void givenSemicolonOrTabSeparatedCsv_whenParsed_thenTheSeparatorComesFromTheHeader() {
        assertEquals("Hi, you", parser.parse(b("character;line_id;text\nguard;a;Hi, you\n"), b(CAST_CSV))
                .lines().getFirst().text());
        assertEquals("Hi; you", parser.parse(b("character\tline_id\ttext\nguard\ta\tHi; you\n"), b(CAST_CSV))
                .lines().getFirst().text());
    }

    @Test
    void givenCharactersAsJsonWithCsvLines_whenParsed_thenTheyAreUsed() {
        Pack pack = parser.parse(b("character,line_id,text\nGuard,a,Hi\n"),
                b("[{\"id\": \"guard\", \"voice\": \"saved:g1\"}]"));
        assertEquals(PackCharacter.Kind.LIBRARY, pack.characters().getFirst().kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n\t  ", "\uFEFF"})
    void givenAnEmptyInput_thenItIsRefusedAsEmpty(String input) {
        InvalidArgumentException e = fails(input, null);
        assertEquals("input", e.field());
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void givenAHugeInput_thenItIsRefusedBeforeParsing() {
        InvalidArgumentException e = fails("x".repeat(5000), CAST_CSV);
        assertTrue(e.getMessage().contains("at most 4096"), e.getMessage());
    }

    @Test
    void givenBinaryInput_thenItIsRefusedAsNotText() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, (byte) 0xFF, (byte) 0xFE};
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> parser.parse(png, b(CAST_CSV)));
        assertEquals("input", e.field());
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
        InvalidArgumentException nul = fails("character,line_id,text\nguard,a,b\0c\n", CAST_CSV);
        assertTrue(nul.getMessage().contains("line 2") && nul.getMessage().contains("binary"), nul.getMessage());
    }

    @Test
    void givenAnUnclosedQuote_thenTheErrorNamesTheLineItOpensOn() {
        InvalidArgumentException e = failsCsv("character,line_id,text\nguard,a,Hi\nguard,b,\"Never closed\nguard,c,x\n");
        assertEquals("input", e.field());
        assertTrue(e.getMessage().contains("input line 3") && e.getMessage().contains("never closed"), e.getMessage());
    }

    @Test
    void givenAStrayQuoteOrTextAfterAClosingQuote_thenTheLineIsNamed() {
        assertTrue(failsCsv("character,line_id,text\nguard,a,say \"hi\"\n").getMessage().contains("input line 2"));
        assertTrue(failsCsv("character,line_id,text\nguard,a,\"hi\" there\n").getMessage().contains("input line 2"));
    }

    @Test
    void givenARowWithMoreFieldsThanTheHeader_thenItIsRefusedWithAHint() {
        InvalidArgumentException e = failsCsv("character,line_id,text\nguard,a,Hello, world\n");
        assertTrue(e.getMessage().contains("input line 2") && e.getMessage().contains("quote"), e.getMessage());
    }

    @Test
    void givenAHeaderWithoutARequiredColumn_thenTheMissingColumnIsNamed() {
        InvalidArgumentException e = failsCsv("character,text\nguard,Hello\n");
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("'line_id'"), e.getMessage());
        assertTrue(failsCsv("character,line_id,text\n").getMessage().contains("no lines"));
    }

    @Test
    void givenDuplicateLineIds_thenTheSecondIsRefusedNamingTheFirst() {
        InvalidArgumentException exact = failsCsv("character,line_id,text\nguard,a,Hi\nguard,a,Ho\n");
        assertTrue(exact.getMessage().contains("input line 3") && exact.getMessage().contains("input line 2")
                && exact.getMessage().contains("duplicate"), exact.getMessage());
        InvalidArgumentException sanitised = failsCsv("character,line_id,text\nguard,Greet 01,Hi\nguard,greet-01!,Ho\nguard,GREET_01,x\n");
        assertTrue(sanitised.getMessage().contains("input line 4"), sanitised.getMessage());
        Pack ok = parser.parse(b("character,line_id,text\nguard,a,Hi\nnarrator,a,Ho\n"), b(CAST_CSV));
        assertEquals(2, ok.lines().size(), "the same id under two characters is two files");
    }

    @Test
    void givenAnUnknownCharacter_thenTheLineAndTheDefinedCharactersAreNamed() {
        InvalidArgumentException e = failsCsv("character,line_id,text\nguard,a,Hi\nbob,b,Ho\n");
        assertTrue(e.getMessage().contains("input line 3") && e.getMessage().contains("unknown character 'bob'")
                && e.getMessage().contains("guard, narrator"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "..", "c:\\\\evil", "con", "!!!", "   "})
    void givenAnUnsafeLineId_thenItIsRefusedNotRewritten(String id) {
        InvalidArgumentException e = fails("{\"characters\": [{\"id\": \"guard\", \"voice\": \"ryan\"}], "
                + "\"lines\": [{\"character\": \"guard\", \"id\": \"" + id + "\", \"text\": \"Hi\"}]}", null);
        assertEquals("input", e.field());
        assertTrue(e.getMessage().contains("lines[0]"), e.getMessage());
    }

    @Test
    void givenAnUnsafeCharacterId_thenTheCharactersRowIsNamed() {
        InvalidArgumentException e = fails("character,line_id,text\nx,a,Hi\n", "character,voice\n../../etc,ryan\n");
        assertEquals("characters", e.field());
        assertTrue(e.getMessage().contains("characters line 2") && e.getMessage().contains("'/'"), e.getMessage());
    }

    @Test
    void givenTwoCharactersThatSanitiseAlike_thenTheCollisionIsRefused() {
        InvalidArgumentException e = fails("character,line_id,text\nx,a,Hi\n", "character,voice\nOld Man,ryan\nold  MAN!,aiden\n");
        assertTrue(e.getMessage().contains("characters line 3") && e.getMessage().contains("characters line 2"), e.getMessage());
    }

    @Test
    void givenACharacterWithBothOrNeitherVoiceSource_thenItIsRefused() {
        assertTrue(fails("character,line_id,text\nx,a,Hi\n", "character,description,voice\nx,old,ryan\n")
                .getMessage().contains("not both"));
        assertTrue(fails("character,line_id,text\nx,a,Hi\n", "character,description,voice\nx,,\n")
                .getMessage().contains("not neither"));
        assertTrue(fails("character,line_id,text\nx,a,Hi\n", "character,voice\nx,saved:../v\n")
                .getMessage().contains("library voice id"));
    }

    @Test
    void givenEmptyTextOrTooManyLines_thenTheRowIsNamed() {
        assertTrue(failsCsv("character,line_id,text\nguard,a,   \n").getMessage().contains("input line 2: text is empty"));
        StringBuilder many = new StringBuilder("character,line_id,text\n");
        for (int i = 0; i < 7; i++) {
            many.append("guard,l").append(i).append(",Hi\n");
        }
        assertTrue(failsCsv(many.toString()).getMessage().contains("more than 5"));
    }

    @Test
    void givenCsvLinesWithoutCharacters_thenCharactersIsRequired() {
        assertEquals("characters", fails("character,line_id,text\nguard,a,Hi\n", null).field());
    }

    @Test
    void givenBrokenJson_thenTheLineAndColumnAreNamed() {
        InvalidArgumentException e = fails("{\"characters\": [],\n \"lines\": [}", null);
        assertTrue(e.getMessage().contains("not valid JSON (line 2"), e.getMessage());
        assertTrue(fails("{\"lines\": [], \"lines\": []}", null).getMessage().contains("not valid JSON"));
        assertTrue(fails("{\"characters\": []} trailing", null).getMessage().contains("not valid JSON"));
        assertTrue(fails("[".repeat(100), null).getMessage().contains("not valid JSON"));
    }

    @Test
    void givenJsonOfTheWrongShape_thenTheEntryIsNamed() {
        assertTrue(fails("[1, 2]", null).getMessage().contains("JSON object"));
        assertTrue(fails("{\"characters\": [], \"lines\": []}", null).getMessage().contains("non-empty array"));
        assertTrue(fails("{\"characters\": [{\"id\": \"g\", \"voice\": \"ryan\"}], \"lines\": [{\"character\": \"g\", "
                + "\"id\": \"a\", \"text\": {\"x\": 1}}]}", null).getMessage().contains("lines[0]: \"text\" must be a string"));
        assertTrue(fails("{\"characters\": [7], \"lines\": [{}]}", null).getMessage().contains("characters[0]"));
        assertEquals("characters", fails(JSON_PACK, CAST_CSV).field());
    }

    @Test
    void theDocumentedExamplesParse() throws java.io.IOException {
        java.nio.file.Path docs = java.nio.file.Path.of("../../docs/examples");
        PackParser defaults = new PackParser(PackParser.Limits.defaults());
        Pack json = defaults.parse(java.nio.file.Files.readAllBytes(docs.resolve("npc-pack.json")), null);
        Pack csv = defaults.parse(java.nio.file.Files.readAllBytes(docs.resolve("npc-lines.csv")),
                java.nio.file.Files.readAllBytes(docs.resolve("npc-characters.csv")));
        assertEquals(json.lines().stream().map(l -> l.file("wav") + " " + l.text()).toList(),
                csv.lines().stream().map(l -> l.file("wav") + " " + l.text()).toList());
        assertEquals(2, json.designs().size());
        try (java.io.InputStream in = NpcPackPlugin.class.getResourceAsStream("/io/q3tts/plugins/npcpack/example-pack.json")) {
            assertEquals(java.nio.file.Files.readString(docs.resolve("npc-pack.json")),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), "the page's example is the documented one");
        }
    }
}
