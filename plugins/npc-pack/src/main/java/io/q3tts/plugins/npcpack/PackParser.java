package io.q3tts.plugins.npcpack;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.q3tts.lib.text.DelimitedReader;
import io.q3tts.ports.in.synthesis.SynthesisLimits;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.plugin.PipelineSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads a pack from JSON ({@code {"characters": [...], "lines": [...]}}) or from CSV (a lines file
 * with the columns {@code character, line_id, text[, emotion][, instruct]} plus the characters as a
 * second CSV or a JSON array). Strict: the first problem fails the whole input with an
 * {@link InvalidArgumentException} that names the request field and the line (CSV) or array entry
 * (JSON); nothing is half-accepted. Thread-safe.
 */
final class PackParser {

    /** The request field of the pack (JSON) or of the lines (CSV). */
    static final String INPUT = "input";
    /** The request field of the characters when the lines are CSV. */
    static final String CHARACTERS = "characters";

    private static final Pattern LANGUAGE = Pattern.compile("[a-z][a-z_]{0,31}");
    private static final Pattern SPEAKER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final List<String> LINE_COLUMNS = List.of("character", "line_id", "text", "emotion", "instruct");
    private static final List<String> CHARACTER_COLUMNS =
            List.of("character", "name", "description", "voice", "language", "sample_text");
    private static final Map<String, String> ALIASES = Map.of("id", "line_id", "line", "line_id", "lineid", "line_id",
            "instructions", "instruct", "speaker", "character", "sample", "sample_text");

    /** Jackson, strict: duplicate keys and trailing content are errors, nesting is shallow. */
    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build()).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Size limits of one pack.
     *
     * @param maxBytes the largest input file
     * @param maxLines the most lines
     * @param maxCharacters the most characters
     */
    record Limits(int maxBytes, int maxLines, int maxCharacters) {

        /** @return 2 MiB, 1000 lines, 200 characters */
        static Limits defaults() {
            return new Limits(2 * 1024 * 1024, 1000, 200);
        }
    }

    private final Limits limits;

    /** @param limits the size limits, never null */
    PackParser(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** @return the limits */
    Limits limits() {
        return limits;
    }

    /**
     * @param input the pack as JSON, or the lines as CSV
     * @param characters the characters (CSV or JSON) when {@code input} is CSV, else null
     * @return the validated pack
     * @throws InvalidArgumentException naming {@code input} or {@code characters} and the row
     */
    Pack parse(byte[] input, byte[] characters) {
        String text = text(input, INPUT);
        if (looksJson(text)) {
            if (characters != null) {
                throw new InvalidArgumentException(CHARACTERS, "characters must not be sent with a JSON input: "
                        + "put them in its \"characters\" array.");
            }
            return pack(json(text, INPUT), INPUT);
        }
        if (characters == null) {
            throw new InvalidArgumentException(CHARACTERS, "characters is required with a CSV input: a CSV with the "
                    + "columns character, description, voice, language, or a JSON array of characters.");
        }
        String cast = text(characters, CHARACTERS);
        List<PackCharacter> list = looksJson(cast) ? jsonCharacters(castArray(json(cast, CHARACTERS)), CHARACTERS)
                : csvCharacters(cast);
        return csvLines(text, list);
    }

    /**
     * @param root a parsed JSON pack (the user's, or a stored payload)
     * @param field the request field it came from
     * @return the validated pack
     */
    Pack pack(JsonNode root, String field) {
        if (!root.isObject()) {
            throw new InvalidArgumentException(field, field + " must be a JSON object with \"characters\" and \"lines\" arrays.");
        }
        JsonNode cast = root.get("characters");
        if (cast == null || !cast.isArray()) {
            throw new InvalidArgumentException(field, field + ": \"characters\" must be an array of characters.");
        }
        List<PackCharacter> characters = jsonCharacters(cast, field);
        JsonNode lines = root.get("lines");
        if (lines == null || !lines.isArray() || lines.isEmpty()) {
            throw new InvalidArgumentException(field, field + ": \"lines\" must be a non-empty array of lines.");
        }
        if (lines.size() > limits.maxLines()) {
            throw new InvalidArgumentException(field, field + " has " + lines.size() + " lines; at most "
                    + limits.maxLines() + " go in one pack. Split it.");
        }
        Lines builder = new Lines(characters, field);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode l = lines.get(i);
            String where = field + " lines[" + i + "]";
            if (!l.isObject()) {
                throw new InvalidArgumentException(field, where + " must be an object with character, id and text.");
            }
            builder.add(string(l, "character", field, where), firstString(l, field, where, "id", "line_id"),
                    string(l, "text", field, where), string(l, "emotion", field, where),
                    firstString(l, field, where, "instruct", "instructions"), where);
        }
        return builder.pack();
    }

    /**
     * @param bytes a request part or field
     * @param field its name
     * @return it as text: strict UTF-8, BOM removed, not binary, within the size limit
     */
    String text(byte[] bytes, String field) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidArgumentException(field, field + " is empty.");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new InvalidArgumentException(field, field + " is " + bytes.length + " bytes; at most "
                    + limits.maxBytes() + " are accepted. Split the pack.");
        }
        String text = PipelineSupport.strictUtf8(bytes).orElseThrow(() -> new InvalidArgumentException(field, field
                + " is not UTF-8 text (a binary file, or another encoding: save it as UTF-8)."));
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw new InvalidArgumentException(field, field + " line " + lineOf(text, nul)
                    + ": a NUL character; this looks like a binary file, not CSV or JSON text.");
        }
        if (text.isBlank()) {
            throw new InvalidArgumentException(field, field + " is empty.");
        }
        return text;
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    static boolean looksJson(String text) {
        String s = text.stripLeading();
        return s.startsWith("{") || s.startsWith("[");
    }

    /**
     * @param text JSON text
     * @param field its request field
     * @return the tree
     * @throws InvalidArgumentException with the line and column of a syntax error
     */
    static JsonNode json(String text, String field) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            String why = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("").replaceAll("\\p{Cntrl}", "?");
            throw new InvalidArgumentException(field, field + " is not valid JSON" + where + ": "
                    + (why.length() > 120 ? why.substring(0, 117) + "..." : why));
        }
    }

    private static JsonNode castArray(JsonNode root) {
        if (root.isObject() && root.has("characters")) {
            return root.get("characters");
        }
        return root;
    }

    private List<PackCharacter> jsonCharacters(JsonNode array, String field) {
        if (!array.isArray()) {
            throw new InvalidArgumentException(field, field + " must be a JSON array of characters.");
        }
        if (array.size() > limits.maxCharacters()) {
            throw new InvalidArgumentException(field, field + " has " + array.size() + " characters; at most "
                    + limits.maxCharacters() + " go in one pack.");
        }
        Cast cast = new Cast(field);
        for (int i = 0; i < array.size(); i++) {
            JsonNode c = array.get(i);
            String where = field + " characters[" + i + "]";
            if (!c.isObject()) {
                throw new InvalidArgumentException(field, where + " must be an object with an id and a description or voice.");
            }
            String id = firstString(c, field, where, "id", "character");
            String name = string(c, "name", field, where);
            cast.add(id != null ? id : name, name, string(c, "description", field, where),
                    string(c, "voice", field, where), string(c, "language", field, where),
                    string(c, "sample_text", field, where), where);
        }
        return cast.characters;
    }

    private static String firstString(JsonNode node, String field, String where, String... names) {
        for (String n : names) {
            String v = string(node, n, field, where);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String string(JsonNode node, String name, String field, String where) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isIntegralNumber()) {
            return v.asText();
        }
        throw new InvalidArgumentException(field, where + ": \"" + name + "\" must be a string.");
    }

    private List<PackCharacter> csvCharacters(String text) {
        List<DelimitedReader.Row> rows = Csv.read(text, CHARACTERS, limits.maxCharacters() + 1);
        Map<String, Integer> columns = header(rows.getFirst(), CHARACTER_COLUMNS, List.of("character"), CHARACTERS);
        Cast cast = new Cast(CHARACTERS);
        for (DelimitedReader.Row row : rows.subList(1, rows.size())) {
            String where = CHARACTERS + " line " + row.line();
            Map<String, String> v = values(row, rows.getFirst(), columns, CHARACTERS, where);
            cast.add(v.get("character"), v.get("name"), v.get("description"), v.get("voice"), v.get("language"),
                    v.get("sample_text"), where);
        }
        return cast.characters;
    }

    private Pack csvLines(String text, List<PackCharacter> characters) {
        List<DelimitedReader.Row> rows = Csv.read(text, INPUT, limits.maxLines() + 1);
        Map<String, Integer> columns = header(rows.getFirst(), LINE_COLUMNS, List.of("character", "line_id", "text"), INPUT);
        if (rows.size() < 2) {
            throw new InvalidArgumentException(INPUT, INPUT + " has a header but no lines.");
        }
        Lines builder = new Lines(characters, INPUT);
        for (DelimitedReader.Row row : rows.subList(1, rows.size())) {
            String where = INPUT + " line " + row.line();
            Map<String, String> v = values(row, rows.getFirst(), columns, INPUT, where);
            builder.add(v.get("character"), v.get("line_id"), v.get("text"), v.get("emotion"), v.get("instruct"), where);
        }
        return builder.pack();
    }

    /** Maps column names (case-insensitive, aliases allowed, unknown columns ignored) to positions. */
    private static Map<String, Integer> header(DelimitedReader.Row row, List<String> known, List<String> required, String field) {
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (int i = 0; i < row.fields().size(); i++) {
            String name = row.fields().get(i).strip().toLowerCase(Locale.ROOT).replace(' ', '_');
            name = ALIASES.getOrDefault(name, name);
            if (known.contains(name)) {
                if (columns.putIfAbsent(name, i) != null) {
                    throw new InvalidArgumentException(field, field + " line " + row.line() + ": the column '" + name
                            + "' appears twice in the header.");
                }
            }
        }
        for (String r : required) {
            if (!columns.containsKey(r)) {
                throw new InvalidArgumentException(field, field + " line " + row.line()
                        + ": the first line must be a header naming the columns " + String.join(", ", required)
                        + " (optional: " + known.stream().filter(k -> !required.contains(k)).reduce((a, b) -> a + ", " + b)
                        .orElse("") + "); missing '" + r + "'.");
            }
        }
        return columns;
    }

    private static Map<String, String> values(DelimitedReader.Row row, DelimitedReader.Row header, Map<String, Integer> columns, String field,
                                              String where) {
        int width = header.fields().size();
        if (row.fields().size() > width
                && row.fields().subList(width, row.fields().size()).stream().anyMatch(s -> !s.isBlank())) {
            throw new InvalidArgumentException(field, where + " has " + row.fields().size()
                    + " fields but the header has " + width + " (a comma in the text? quote the field).");
        }
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, Integer> e : columns.entrySet()) {
            String v = e.getValue() < row.fields().size() ? row.fields().get(e.getValue()) : null;
            out.put(e.getKey(), v == null || v.isBlank() ? null : v.strip());
        }
        return out;
    }

    /** Collects characters, refusing duplicates after sanitising. */
    private final class Cast {
        final String field;
        final List<PackCharacter> characters = new ArrayList<>();
        final Map<String, String> seen = new HashMap<>();

        Cast(String field) {
            this.field = field;
        }

        void add(String rawId, String name, String description, String voice, String language, String sampleText,
                 String where) {
            if (characters.size() >= limits.maxCharacters()) {
                throw new InvalidArgumentException(field, where + ": more than " + limits.maxCharacters()
                        + " characters in one pack.");
            }
            String id = Names.sanitise(rawId, "character id", field, where);
            String first = seen.putIfAbsent(id, where);
            if (first != null) {
                throw new InvalidArgumentException(field, where + ": character '" + Names.shorten(rawId.strip())
                        + "' becomes the id '" + id + "', which " + first + " already uses.");
            }
            description = optional(description, "description", SynthesisLimits.MAX_INSTRUCT_LENGTH, where);
            voice = optional(voice, "voice", 80, where);
            if ((description == null) == (voice == null)) {
                throw new InvalidArgumentException(field, where + ": character '" + id + "' needs either a description "
                        + "(to design its voice) or a voice (saved:<voice id> from the library, or a preset speaker), "
                        + "not " + (description == null ? "neither" : "both") + ".");
            }
            if (voice != null) {
                voice = voice(voice, where);
            }
            language = optional(language, "language", 32, where);
            if (language != null) {
                language = language.toLowerCase(Locale.ROOT);
                if (!LANGUAGE.matcher(language).matches()) {
                    throw new InvalidArgumentException(field, where + ": language '" + Names.shorten(language)
                            + "' is not a language key (e.g. english, auto).");
                }
            }
            sampleText = optional(sampleText, "sample_text", SynthesisLimits.MAX_TEXT_LENGTH, where);
            String display = (name == null || name.isBlank() ? rawId.strip() : name.strip()).replaceAll("\\p{Cntrl}", " ");
            if (display.length() > 64) {
                display = display.substring(0, 64).strip();
            }
            characters.add(new PackCharacter(id, display, description, voice, language, sampleText, where));
        }

        private String voice(String voice, String where) {
            if (voice.regionMatches(true, 0, PackCharacter.SAVED, 0, PackCharacter.SAVED.length())) {
                String saved = voice.substring(PackCharacter.SAVED.length()).strip();
                if (!Ids.isSafe(saved)) {
                    throw new InvalidArgumentException(field, where + ": voice '" + Names.shorten(voice)
                            + "' is not a library voice id (saved:<id>, letters, digits, '.', '_' or '-').");
                }
                return PackCharacter.SAVED + saved;
            }
            String speaker = voice.toLowerCase(Locale.ROOT);
            if (!SPEAKER.matcher(speaker).matches()) {
                throw new InvalidArgumentException(field, where + ": voice '" + Names.shorten(voice)
                        + "' is neither saved:<voice id> nor a preset speaker name.");
            }
            return speaker;
        }

        private String optional(String value, String what, int max, String where) {
            if (value == null || value.isBlank()) {
                return null;
            }
            String v = value.strip();
            if (v.length() > max) {
                throw new InvalidArgumentException(field, where + ": " + what + " is longer than " + max + " characters.");
            }
            return v;
        }
    }

    /** Collects lines, resolving characters and refusing duplicate paths. */
    private final class Lines {
        final Map<String, PackCharacter> characters = new LinkedHashMap<>();
        final List<PackCharacter> cast;
        final String field;
        final List<PackLine> lines = new ArrayList<>();
        final Map<String, String> seen = new HashMap<>();

        Lines(List<PackCharacter> cast, String field) {
            this.cast = cast;
            this.field = field;
            cast.forEach(c -> characters.put(c.id(), c));
        }

        void add(String character, String rawId, String text, String emotion, String instruct, String where) {
            if (lines.size() >= limits.maxLines()) {
                throw new InvalidArgumentException(field, where + ": more than " + limits.maxLines()
                        + " lines in one pack. Split it.");
            }
            String who = Names.sanitise(character, "character", field, where);
            if (!characters.containsKey(who)) {
                throw new InvalidArgumentException(field, where + ": unknown character '" + Names.shorten(character.strip())
                        + "'" + (characters.isEmpty() ? " (no characters are defined)."
                        : " (defined: " + String.join(", ", characters.keySet().stream().limit(12).toList())
                        + (characters.size() > 12 ? ", ..." : "") + ")."));
            }
            String id = Names.sanitise(rawId, "line id", field, where);
            String first = seen.putIfAbsent(who + "/" + id, where);
            if (first != null) {
                throw new InvalidArgumentException(field, where + ": duplicate line id '" + Names.shorten(rawId.strip())
                        + "' for " + who + " (as a file name '" + id + "', already used by " + first + ").");
            }
            if (text == null || text.isBlank()) {
                throw new InvalidArgumentException(field, where + ": text is empty.");
            }
            String t = text.strip();
            if (t.length() > SynthesisLimits.MAX_TEXT_LENGTH) {
                throw new InvalidArgumentException(field, where + ": text is " + t.length() + " characters; at most "
                        + SynthesisLimits.MAX_TEXT_LENGTH + " per line.");
            }
            lines.add(new PackLine(lines.size(), who, id, t, style(emotion, "emotion", where),
                    style(instruct, "instruct", where), where));
        }

        private String style(String value, String what, String where) {
            if (value == null || value.isBlank()) {
                return null;
            }
            String v = value.strip();
            if (v.length() > SynthesisLimits.MAX_INSTRUCT_LENGTH) {
                throw new InvalidArgumentException(field, where + ": " + what + " is longer than "
                        + SynthesisLimits.MAX_INSTRUCT_LENGTH + " characters.");
            }
            return v;
        }

        Pack pack() {
            if (lines.isEmpty()) {
                throw new InvalidArgumentException(field, field + " has no lines.");
            }
            return new Pack(cast, lines);
        }
    }
}
