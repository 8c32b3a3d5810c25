package io.q3tts.lib.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads delimited text (CSV, TSV, semicolon-separated) record by record, per RFC 4180: fields may
 * be quoted with {@code "}; inside quotes a doubled quote is one quote and separators and line
 * breaks are data, so a record may span lines. Line ends are CRLF, LF or CR. A leading byte-order
 * mark is skipped. Spaces before an opening quote and after a closing quote are dropped. Records
 * whose fields are all blank (blank lines included) are skipped. Every record carries the input
 * line it starts on and every error the line it is on ({@link DelimitedTextException}).
 *
 * <p>Reading is incremental ({@link #next()}), so a caller can stop at a record limit before it
 * reads the rest of a large input. Not thread-safe; one reader per input.
 */
public final class DelimitedReader {

    /** What a quote in the middle of an unquoted field ({@code say "hi"}) is. */
    public enum StrayQuotes {
        /** An error ({@link DelimitedTextException.Problem#STRAY_QUOTE}): strict CSV. */
        REJECT,
        /** A literal character, as spreadsheet programs read it. */
        KEEP
    }

    /**
     * One record.
     *
     * @param line the 1-based input line the record starts on
     * @param fields its fields, unquoted, in order; never empty
     */
    public record Row(int line, List<String> fields) {

        /**
         * @param line the 1-based input line the record starts on
         * @param fields its fields (copied)
         */
        public Row {
            fields = List.copyOf(fields);
        }

        /** @return whether every field is blank */
        public boolean blank() {
            return fields.stream().allMatch(String::isBlank);
        }
    }

    private final String text;
    private final char separator;
    private final StrayQuotes strayQuotes;
    private int pos;
    private int line = 1;

    /**
     * @param text the input
     * @param separator the field separator, e.g. {@code ','}, {@code ';'} or {@code '\t'}; not a quote or line end
     * @param strayQuotes what a quote in the middle of an unquoted field is
     */
    public DelimitedReader(String text, char separator, StrayQuotes strayQuotes) {
        if (separator == '"' || separator == '\r' || separator == '\n') {
            throw new IllegalArgumentException("the separator cannot be a quote or a line end");
        }
        this.text = text;
        this.separator = separator;
        this.strayQuotes = strayQuotes;
        this.pos = text.startsWith("\uFEFF") ? 1 : 0;
    }

    /**
     * @param text the input
     * @param separator the field separator
     * @param strayQuotes what a quote in the middle of an unquoted field is
     * @return every non-blank record, in order
     * @throws DelimitedTextException on malformed input
     */
    public static List<Row> readAll(String text, char separator, StrayQuotes strayQuotes) {
        DelimitedReader reader = new DelimitedReader(text, separator, strayQuotes);
        List<Row> rows = new ArrayList<>();
        for (Row row = reader.next(); row != null; row = reader.next()) {
            rows.add(row);
        }
        return rows;
    }

    /**
     * The separator a file's header line uses, for inputs that may come from any spreadsheet
     * locale: a comma if the header has one, else a tab, else a semicolon, else a comma.
     *
     * @param text the input, its first line a header
     * @return the separator
     */
    public static char detectSeparator(String text) {
        int end = 0;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
            end++;
        }
        String header = text.substring(0, end);
        if (header.indexOf(',') < 0) {
            if (header.indexOf('\t') >= 0) {
                return '\t';
            }
            if (header.indexOf(';') >= 0) {
                return ';';
            }
        }
        return ',';
    }

    /**
     * @param value a field, or null for an empty one
     * @param separator the separator of the file it goes into
     * @return the field as written in such a file: quoted (quotes doubled) only when it must be
     */
    public static String quote(String value, char separator) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(separator) < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    /**
     * @return the next non-blank record, or null at the end of the input
     * @throws DelimitedTextException on malformed input; the records before it were valid
     */
    public Row next() {
        Row row = scan();
        while (row != null && row.blank()) {
            row = scan();
        }
        return row;
    }

    private Row scan() {
        int n = text.length();
        if (pos >= n) {
            return null;
        }
        List<String> fields = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        int rowStart = line;
        int quoteLine = line;
        boolean quoted = false;
        boolean afterQuote = false;
        while (pos < n) {
            char c = text.charAt(pos++);
            if (quoted) {
                if (c == '"') {
                    if (pos < n && text.charAt(pos) == '"') {
                        cell.append('"');
                        pos++;
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    if (c == '\n' || (c == '\r' && (pos >= n || text.charAt(pos) != '\n'))) {
                        line++;
                    }
                    cell.append(c);
                }
            } else if (c == separator) {
                fields.add(cell.toString());
                cell.setLength(0);
                afterQuote = false;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && pos < n && text.charAt(pos) == '\n') {
                    pos++;
                }
                line++;
                fields.add(cell.toString());
                return new Row(rowStart, fields);
            } else if (afterQuote) {
                if (c != ' ' && c != '\t') {
                    throw new DelimitedTextException(DelimitedTextException.Problem.TEXT_AFTER_QUOTE, line, c);
                }
            } else if (c == '"' && cell.toString().isBlank()) {
                cell.setLength(0);
                quoted = true;
                quoteLine = line;
            } else if (c == '"' && strayQuotes == StrayQuotes.REJECT) {
                throw new DelimitedTextException(DelimitedTextException.Problem.STRAY_QUOTE, line, c);
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new DelimitedTextException(DelimitedTextException.Problem.UNCLOSED_QUOTE, quoteLine, '"');
        }
        fields.add(cell.toString());
        return new Row(rowStart, fields);
    }
}
