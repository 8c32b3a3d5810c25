package io.q3tts.plugins.npcpack;

import io.q3tts.ports.model.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict RFC 4180 reader: comma, semicolon or tab separated (taken from the header line), fields
 * optionally quoted with {@code "} (a doubled quote inside is one quote, quoted fields may span
 * lines), CRLF or LF line ends. Blank lines are skipped. Every error names the line it starts on.
 */
final class Csv {

    /**
     * One record.
     *
     * @param line the 1-based line of the file the record starts on
     * @param fields its fields, unquoted, never null
     */
    record Row(int line, List<String> fields) {
    }

    private Csv() {
    }

    /**
     * @param text the file, BOM already removed
     * @param field the request field, for errors
     * @param maxRows the most records accepted (header included)
     * @return the records in order, never empty
     * @throws InvalidArgumentException naming {@code field} and the line on a malformed file
     */
    static List<Row> read(String text, String field, int maxRows) {
        char separator = separator(text);
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        int line = 1;
        int rowStart = 1;
        boolean quoted = false;
        boolean afterQuote = false;
        boolean rowHasContent = false;
        int quoteLine = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    cell.append(c);
                }
                continue;
            }
            if (c == separator) {
                fields.add(cell.toString());
                cell.setLength(0);
                afterQuote = false;
                rowHasContent = true;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (rowHasContent || !cell.isEmpty() || afterQuote) {
                    fields.add(cell.toString());
                    add(rows, new Row(rowStart, List.copyOf(fields)), field, maxRows);
                }
                fields.clear();
                cell.setLength(0);
                afterQuote = false;
                rowHasContent = false;
                line++;
                rowStart = line;
            } else if (afterQuote) {
                if (c != ' ' && c != '\t') {
                    throw new InvalidArgumentException(field, field + " line " + line
                            + ": unexpected character '" + c + "' after a closing quote (a quote inside a quoted field "
                            + "must be doubled: \"\").");
                }
            } else if (c == '"') {
                if (!cell.toString().isBlank()) {
                    throw new InvalidArgumentException(field, field + " line " + line
                            + ": a quote in the middle of an unquoted field; quote the whole field and double the quote.");
                }
                cell.setLength(0);
                quoted = true;
                quoteLine = line;
                rowHasContent = true;
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new InvalidArgumentException(field, field + " line " + quoteLine
                    + ": a quoted field starts here and is never closed.");
        }
        if (rowHasContent || !cell.isEmpty() || afterQuote) {
            fields.add(cell.toString());
            add(rows, new Row(rowStart, List.copyOf(fields)), field, maxRows);
        }
        if (rows.isEmpty()) {
            throw new InvalidArgumentException(field, field + " has no rows.");
        }
        return rows;
    }

    private static void add(List<Row> rows, Row row, String field, int maxRows) {
        if (row.fields().stream().allMatch(String::isBlank)) {
            return;
        }
        if (rows.size() >= maxRows) {
            throw new InvalidArgumentException(field, field + " has more than " + (maxRows - 1)
                    + " rows (line " + row.line() + "); split the pack.");
        }
        rows.add(row);
    }

    /** The header line decides: tab, then semicolon, then comma (the default). */
    private static char separator(String text) {
        int end = text.indexOf('\n');
        String header = end < 0 ? text : text.substring(0, end);
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
     * @param value a field
     * @return it quoted for a CSV file when it needs to be
     */
    static String quote(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
