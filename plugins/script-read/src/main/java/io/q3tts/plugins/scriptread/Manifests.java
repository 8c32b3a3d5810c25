package io.q3tts.plugins.scriptread;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The CSV form of the manifest (RFC 4180, CRLF, UTF-8), for spreadsheets and editors. */
final class Manifests {

    /** The columns, in order; each is a key of a manifest line. */
    static final List<String> COLUMNS = List.of("index", "source_line", "speaker", "voice", "text", "instruct", "start",
            "end", "file", "seed");

    private Manifests() {
    }

    /**
     * @param rows the manifest's lines
     * @return the CSV bytes, a header row first
     */
    static byte[] csv(List<Map<String, Object>> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.join(",", COLUMNS)).append("\r\n");
        for (Map<String, Object> row : rows) {
            for (int i = 0; i < COLUMNS.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                Object v = row.get(COLUMNS.get(i));
                b.append(field(v == null ? "" : v.toString()));
            }
            b.append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Quotes a field when it holds a comma, a quote, a line break or leading/trailing spaces. */
    static String field(String v) {
        boolean quote = v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0
                || (!v.isEmpty() && (Character.isWhitespace(v.charAt(0)) || Character.isWhitespace(v.charAt(v.length() - 1))));
        return quote ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }
}
