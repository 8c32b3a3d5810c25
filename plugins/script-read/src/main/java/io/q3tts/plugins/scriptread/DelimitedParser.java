package io.q3tts.plugins.scriptread;

import io.q3tts.lib.text.DelimitedReader;
import io.q3tts.lib.text.DelimitedReader.Row;
import io.q3tts.lib.text.DelimitedTextException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CSV and TSV scripts: a header row naming the columns {@code speaker} and {@code text} (and
 * optionally {@code instruct} and {@code pause}; a few aliases; other columns are ignored), then one
 * row per line. Quoting follows RFC 4180 (fields in double quotes may hold the delimiter, line
 * breaks and doubled quotes); a row with no speaker, or the speaker {@code NARRATOR}, is an action
 * line. Errors name the row's first input line.
 */
final class DelimitedParser {

    private static final Map<String, String> ALIASES = aliases();

    private DelimitedParser() {
    }

    private static Map<String, String> aliases() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : List.of("speaker", "character", "name", "role", "who")) {
            m.put(s, "speaker");
        }
        for (String s : List.of("text", "line", "dialogue", "dialog")) {
            m.put(s, "text");
        }
        for (String s : List.of("instruct", "instruction", "instructions", "direction", "emotion", "style")) {
            m.put(s, "instruct");
        }
        for (String s : List.of("pause", "pause_after", "gap", "pause_s")) {
            m.put(s, "pause");
        }
        return m;
    }

    static Script parse(String text, char delimiter, String format) {
        List<Row> rows = rows(text, delimiter);
        if (rows.isEmpty()) {
            throw ScriptParser.error(1, "the " + format + " file has no header row.");
        }
        Row header = rows.getFirst();
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.fields().get(i).strip().toLowerCase(Locale.ROOT).replace(' ', '_');
            String column = ALIASES.get(name);
            if (column != null && columns.putIfAbsent(column, i) != null) {
                throw ScriptParser.error(header.line(), "the header names the " + column + " column twice.");
            }
        }
        if (!columns.containsKey("speaker") || !columns.containsKey("text")) {
            throw ScriptParser.error(header.line(), "the header row must name the columns speaker and text (optional: "
                    + "instruct, pause); found: " + ScriptParser.shorten(String.join(", ", header.fields())) + ".");
        }
        List<ScriptLine> out = new ArrayList<>();
        double leadIn = 0;
        for (Row row : rows.subList(1, rows.size())) {
            List<String> f = row.fields();
            for (int i = header.fields().size(); i < f.size(); i++) {
                if (!f.get(i).isBlank()) {
                    throw ScriptParser.error(row.line(), "the row has " + f.size() + " fields but the header has "
                            + header.fields().size() + "; quote fields that contain the delimiter.");
                }
            }
            String speaker = ScriptParser.blankToNull(get(f, columns.get("speaker")));
            String said = ScriptParser.blankToNull(get(f, columns.get("text")));
            String instruct = columns.containsKey("instruct") ? ScriptParser.blankToNull(get(f, columns.get("instruct"))) : null;
            String pauseText = columns.containsKey("pause") ? ScriptParser.blankToNull(get(f, columns.get("pause"))) : null;
            Double pause = pauseText == null ? null : ScriptParser.seconds(pauseText, row.line(), "pause");
            if (said == null) {
                if (speaker == null && instruct == null && pause != null) {
                    // A row with only a pause is a pause marker after the previous line.
                    if (out.isEmpty()) {
                        leadIn += pause;
                    } else {
                        out.set(out.size() - 1, out.getLast().plusPause(pause));
                    }
                    continue;
                }
                throw ScriptParser.error(row.line(), "the text column is empty" + (speaker == null ? "" : " for " + speaker) + ".");
            }
            if (speaker != null && ScriptParser.narrator(speaker)) {
                speaker = null;
            }
            out.add(new ScriptLine(row.line(), speaker, said.replace('\n', ' '), instruct, pause));
        }
        return new Script(format, out, leadIn, Map.of(), null);
    }

    private static String get(List<String> fields, int index) {
        return index < fields.size() ? fields.get(index) : "";
    }

    /** RFC 4180 records, blank ones skipped; a stray quote inside an unquoted field is kept as text. */
    static List<Row> rows(String s, char delimiter) {
        try {
            return DelimitedReader.readAll(s, delimiter, DelimitedReader.StrayQuotes.KEEP);
        } catch (DelimitedTextException e) {
            throw switch (e.problem()) {
                case UNCLOSED_QUOTE -> ScriptParser.error(e.line(), "a quoted field starts here but its closing quote is missing.");
                // KEEP reads a stray quote as text, so only a quote followed by text can be left.
                case TEXT_AFTER_QUOTE, STRAY_QUOTE -> ScriptParser.error(e.line(), "unexpected '" + e.character()
                        + "' after a closing quote; inside a quoted field write a quote as two quotes (\"\").");
            };
        }
    }
}
