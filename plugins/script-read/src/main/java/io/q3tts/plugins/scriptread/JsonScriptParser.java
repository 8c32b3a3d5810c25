package io.q3tts.plugins.scriptread;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON scripts: {@code {"lines": [{"speaker", "text", "instruct"?, "pause"?}, ...], "voices"?: {...},
 * "narrator"?: "..."}} or a bare array of lines. A line without a speaker (or with speaker
 * {@code NARRATOR}) is an action line; an element with only {@code pause} is a pause after the previous
 * line. Read with a streaming parser so errors name the input line of the offending element.
 */
final class JsonScriptParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonScriptParser() {
    }

    static Script parse(String text) {
        List<ScriptLine> lines = new ArrayList<>();
        Map<String, String> voices = new LinkedHashMap<>();
        String narrator = null;
        double[] leadIn = {0};
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken root = p.nextToken();
            if (root == JsonToken.START_OBJECT) {
                boolean sawLines = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    int line = line(p);
                    p.nextToken();
                    switch (name) {
                        case "lines" -> {
                            lines(p, lines, leadIn);
                            sawLines = true;
                        }
                        case "voices" -> voices(p.readValueAsTree(), line, voices);
                        case "narrator" -> {
                            JsonNode n = p.readValueAsTree();
                            if (!n.isNull() && !n.isTextual()) {
                                throw ScriptParser.error(line, "narrator must be a voice reference string.");
                            }
                            narrator = n.isNull() ? null : ScriptParser.blankToNull(n.asText());
                        }
                        default -> p.skipChildren();
                    }
                }
                if (!sawLines) {
                    throw ScriptParser.error(1, "a JSON script needs a \"lines\" array.");
                }
            } else if (root == JsonToken.START_ARRAY) {
                lines(p, lines, leadIn);
            } else {
                throw ScriptParser.error(line(p), "a JSON script is an object with a \"lines\" array, or an array of lines.");
            }
            if (p.nextToken() != null) {
                throw ScriptParser.error(line(p), "unexpected content after the end of the JSON document.");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String why = e.getOriginalMessage() == null ? "syntax error" : e.getOriginalMessage().lines().findFirst().orElse("");
            throw ScriptParser.error(at == null || at.getLineNr() < 1 ? 1 : at.getLineNr(),
                    "not valid JSON: " + (why.length() > 160 ? why.substring(0, 157) + "..." : why));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
        return new Script("json", lines, leadIn[0], voices, narrator);
    }

    private static int line(JsonParser p) {
        JsonLocation l = p.currentTokenLocation();
        return l == null || l.getLineNr() < 1 ? 1 : l.getLineNr();
    }

    private static void lines(JsonParser p, List<ScriptLine> out, double[] leadIn) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw ScriptParser.error(line(p), "\"lines\" must be an array of {\"speaker\", \"text\"} objects.");
        }
        int index = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            int line = line(p);
            String where = "lines[" + index + "] ";
            index++;
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw ScriptParser.error(line, where + "must be an object with speaker and text.");
            }
            JsonNode n = p.readValueAsTree();
            String speaker = string(n, "speaker", line, where);
            String text = string(n, "text", line, where);
            String instruct = string(n, "instruct", line, where);
            JsonNode pauseNode = n.get("pause");
            Double pause = null;
            if (pauseNode != null && !pauseNode.isNull()) {
                if (pauseNode.isNumber()) {
                    double v = pauseNode.asDouble();
                    if (!(v >= 0 && v <= ScriptParser.MAX_PAUSE)) {
                        throw ScriptParser.error(line, where + "pause must be 0 to " + (int) ScriptParser.MAX_PAUSE + " seconds.");
                    }
                    pause = v;
                } else if (pauseNode.isTextual()) {
                    pause = ScriptParser.seconds(pauseNode.asText(), line, where + "pause");
                } else {
                    throw ScriptParser.error(line, where + "pause must be a number of seconds.");
                }
            }
            if (text == null) {
                if (speaker == null && instruct == null && pause != null) {
                    if (out.isEmpty()) {
                        leadIn[0] += pause;
                    } else {
                        out.set(out.size() - 1, out.getLast().plusPause(pause));
                    }
                    continue;
                }
                throw ScriptParser.error(line, where + "has no text.");
            }
            if (speaker != null && ScriptParser.narrator(speaker)) {
                speaker = null;
            }
            out.add(new ScriptLine(line, speaker, text, instruct, pause));
        }
    }

    private static String string(JsonNode n, String field, int line, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ScriptParser.error(line, where + field + " must be a string.");
        }
        return ScriptParser.blankToNull(v.asText());
    }

    private static void voices(JsonNode n, int line, Map<String, String> out) {
        if (n.isNull()) {
            return;
        }
        if (!n.isObject()) {
            throw ScriptParser.error(line, "voices must be an object mapping speaker names to voices.");
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getValue().isTextual()) {
                throw ScriptParser.error(line, "voices." + ScriptParser.shorten(e.getKey()) + " must be a string "
                        + "(a preset speaker, saved:<voice id> or design:<description>).");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
    }
}
