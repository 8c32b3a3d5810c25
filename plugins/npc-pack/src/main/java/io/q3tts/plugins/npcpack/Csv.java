package io.q3tts.plugins.npcpack;

import io.q3tts.lib.text.DelimitedReader;
import io.q3tts.lib.text.DelimitedTextException;
import io.q3tts.ports.model.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * The pack's CSV dialect on {@link DelimitedReader}: strict quoting (a stray quote is an error, not
 * data), the separator taken from the header line (comma, semicolon or tab), a record limit, and
 * errors worded for the request field the file came in.
 */
final class Csv {

    private Csv() {
    }

    /**
     * @param text the file
     * @param field the request field, for errors
     * @param maxRows the most records accepted (header included)
     * @return the non-blank records in order, never empty
     * @throws InvalidArgumentException naming {@code field} and the line on a malformed file
     */
    static List<DelimitedReader.Row> read(String text, String field, int maxRows) {
        DelimitedReader reader = new DelimitedReader(text, DelimitedReader.detectSeparator(text),
                DelimitedReader.StrayQuotes.REJECT);
        List<DelimitedReader.Row> rows = new ArrayList<>();
        try {
            for (DelimitedReader.Row row = reader.next(); row != null; row = reader.next()) {
                if (rows.size() >= maxRows) {
                    throw new InvalidArgumentException(field, field + " has more than " + (maxRows - 1)
                            + " rows (line " + row.line() + "); split the pack.");
                }
                rows.add(row);
            }
        } catch (DelimitedTextException e) {
            throw new InvalidArgumentException(field, field + " line " + e.line() + ": " + switch (e.problem()) {
                case UNCLOSED_QUOTE -> "a quoted field starts here and is never closed.";
                case TEXT_AFTER_QUOTE -> "unexpected character '" + e.character() + "' after a closing quote (a quote "
                        + "inside a quoted field must be doubled: \"\").";
                case STRAY_QUOTE -> "a quote in the middle of an unquoted field; quote the whole field and double the quote.";
            });
        }
        if (rows.isEmpty()) {
            throw new InvalidArgumentException(field, field + " has no rows.");
        }
        return rows;
    }

    /**
     * @param value a field
     * @return it quoted for a comma-separated file when it needs to be
     */
    static String quote(String value) {
        return DelimitedReader.quote(value, ',');
    }
}
