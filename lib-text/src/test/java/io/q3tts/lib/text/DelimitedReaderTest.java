package io.q3tts.lib.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.q3tts.lib.text.DelimitedReader.Row;
import io.q3tts.lib.text.DelimitedReader.StrayQuotes;
import io.q3tts.lib.text.DelimitedTextException.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DelimitedReaderTest {

    private static List<Row> read(String text) {
        return DelimitedReader.readAll(text, ',', StrayQuotes.REJECT);
    }

    private static DelimitedTextException fails(String text, StrayQuotes strayQuotes) {
        return assertThrows(DelimitedTextException.class, () -> DelimitedReader.readAll(text, ',', strayQuotes));
    }

    @Test
    void givenPlainRecords_whenRead_thenFieldsAndStartLinesAreKept() {
        assertEquals(List.of(new Row(1, List.of("a", "b", "")), new Row(2, List.of("c", " d ", "e"))),
                read("a,b,\nc, d ,e\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\n", "\n", "\r"})
    void givenAnyLineEnd_whenRead_thenRecordsAndLineNumbersAgree(String eol) {
        String text = "h1,h2" + eol + "\"multi" + eol + "line\",x" + eol + eol + "y,z";
        List<Row> rows = read(text);
        assertEquals(3, rows.size());
        assertEquals(List.of("multi" + eol + "line", "x"), rows.get(1).fields());
        assertEquals(2, rows.get(1).line());
        assertEquals(new Row(5, List.of("y", "z")), rows.get(2));
    }

    @Test
    void givenQuotedFields_whenRead_thenSeparatorsAndDoubledQuotesAreData() {
        assertEquals(List.of(new Row(1, List.of("a, b", "say \"hi\"", "", "x"))),
                read("\"a, b\",\"say \"\"hi\"\"\",\"\",  \"x\"  \n"));
    }

    @Test
    void givenABomAndBlankRecords_whenRead_thenBothAreSkipped() {
        assertEquals(List.of(new Row(1, List.of("a")), new Row(4, List.of("b"))), read("\uFEFFa\n\n , \t\nb"));
        assertEquals(List.of(), read("\uFEFF"));
        assertEquals(List.of(), read(""));
    }

    @Test
    void givenATabOrSemicolonSeparator_whenRead_thenOnlyItSplits() {
        assertEquals(List.of(List.of("a,b", "c")), DelimitedReader.readAll("a,b\tc", '\t', StrayQuotes.REJECT).stream()
                .map(Row::fields).toList());
        assertEquals(List.of(List.of("a,b", "c d")), DelimitedReader.readAll("\"a,b\";c d", ';', StrayQuotes.REJECT)
                .stream().map(Row::fields).toList());
    }

    @Test
    void givenAHeaderLine_whenDetectingTheSeparator_thenCommaWinsThenTabThenSemicolon() {
        assertEquals(',', DelimitedReader.detectSeparator("a,b;c\td\n"));
        assertEquals('\t', DelimitedReader.detectSeparator("a;b\tc\nx,y"));
        assertEquals(';', DelimitedReader.detectSeparator("a;b\r\nx,y"));
        assertEquals(';', DelimitedReader.detectSeparator("a;b\rx,y"));
        assertEquals(',', DelimitedReader.detectSeparator("single"));
    }

    @Test
    void givenAnUnclosedQuote_whenRead_thenTheErrorNamesTheLineItOpensOn() {
        DelimitedTextException e = fails("a,b\nc,\"never\nclosed\nd\n", StrayQuotes.REJECT);
        assertEquals(Problem.UNCLOSED_QUOTE, e.problem());
        assertEquals(2, e.line());
        assertEquals("line 2: a quoted field starts here and is never closed.", e.getMessage());
    }

    @Test
    void givenTextAfterAClosingQuote_whenRead_thenTheErrorNamesTheLineAndCharacter() {
        DelimitedTextException e = fails("a\n\"x\ny\" z\n", StrayQuotes.KEEP);
        assertEquals(Problem.TEXT_AFTER_QUOTE, e.problem());
        assertEquals(3, e.line());
        assertEquals('z', e.character());
    }

    @Test
    void givenAStrayQuote_whenRead_thenRejectRefusesItAndKeepReadsItAsText() {
        DelimitedTextException e = fails("a\nsay \"hi\"\n", StrayQuotes.REJECT);
        assertEquals(Problem.STRAY_QUOTE, e.problem());
        assertEquals(2, e.line());
        assertEquals(List.of("say \"hi\""), DelimitedReader.readAll("say \"hi\"", ',', StrayQuotes.KEEP).getFirst().fields());
    }

    @Test
    void givenAReader_whenReadIncrementally_thenRecordsBeforeAnErrorAreReturned() {
        DelimitedReader reader = new DelimitedReader("a\nb\n\"c", ',', StrayQuotes.REJECT);
        assertEquals("a", reader.next().fields().getFirst());
        assertEquals("b", reader.next().fields().getFirst());
        assertThrows(DelimitedTextException.class, reader::next);
        assertNull(new DelimitedReader("", ',', StrayQuotes.KEEP).next());
    }

    @Test
    void givenFields_whenQuoted_thenOnlyThoseThatNeedItAreAndTheyReadBack() {
        assertEquals("plain", DelimitedReader.quote("plain", ','));
        assertEquals("", DelimitedReader.quote(null, ','));
        assertEquals("a;b", DelimitedReader.quote("a;b", ','));
        assertEquals("\"a;b\"", DelimitedReader.quote("a;b", ';'));
        String line = String.join(",", List.of("a,b", "say \"hi\"", "two\nlines").stream()
                .map(v -> DelimitedReader.quote(v, ',')).toList());
        assertEquals(List.of("a,b", "say \"hi\"", "two\nlines"), read(line).getFirst().fields());
    }

    @Test
    void givenAQuoteOrLineEndAsSeparator_thenTheReaderRefusesIt() {
        assertThrows(IllegalArgumentException.class, () -> new DelimitedReader("", '"', StrayQuotes.KEEP));
        assertThrows(IllegalArgumentException.class, () -> new DelimitedReader("", '\n', StrayQuotes.KEEP));
    }
}
