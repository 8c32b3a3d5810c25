package io.q3tts.plugins.subtitles;

import io.q3tts.ports.model.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the one JSON shape a multipart form carries here: a flat object of strings
 * ({@code {"Alice": "vivian", "Bob": "saved:my-voice"}}). The host parses JSON bodies itself, but
 * not JSON inside a form field, and a plugin may bundle no JSON library the host does not provide.
 */
final class FlatJson {

    private final String s;
    private final String field;
    private int pos;

    private FlatJson(String s, String field) {
        this.s = s;
        this.field = field;
    }

    /**
     * @param json the text; blank is an empty object
     * @param field the form field it came from, for errors
     * @return the entries in order
     * @throws InvalidArgumentException naming {@code field} if it is not a flat object of strings
     */
    static Map<String, String> parse(String json, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return out;
        }
        FlatJson p = new FlatJson(json, field);
        p.expect('{');
        if (p.peek() == '}') {
            p.pos++;
        } else {
            while (true) {
                String key = p.string();
                p.expect(':');
                out.put(key, p.string());
                char c = p.next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw p.error("expected ',' or '}'");
                }
            }
        }
        if (p.peek() != 0) {
            throw p.error("unexpected text after the object");
        }
        return out;
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                if (pos >= s.length()) {
                    break;
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("bad \\u escape");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> b.append(e);
                }
            } else {
                b.append(c);
            }
        }
        throw error("unterminated string");
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("expected '" + c + "'");
        }
    }

    private char next() {
        char c = peek();
        if (c != 0) {
            pos++;
        }
        return c;
    }

    private char peek() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            pos++;
        }
        return pos < s.length() ? s.charAt(pos) : 0;
    }

    private InvalidArgumentException error(String what) {
        return new InvalidArgumentException(field, field + " must be a JSON object of strings such as "
                + "{\"Alice\": \"vivian\", \"Bob\": \"saved:my-voice\"}; " + what + " at character " + pos + ".");
    }
}
