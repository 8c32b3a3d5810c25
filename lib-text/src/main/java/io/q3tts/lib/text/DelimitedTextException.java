package io.q3tts.lib.text;

/**
 * Malformed delimited text: what is wrong and on which line, so a caller can report
 * "line N: ..." in its own words and for its own request field.
 */
public final class DelimitedTextException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Problem {
        /** A quoted field is never closed; {@link #line()} is where it opens. */
        UNCLOSED_QUOTE,
        /** Something other than a separator, a line end or a space follows a closing quote. */
        TEXT_AFTER_QUOTE,
        /** A quote in the middle of an unquoted field, where {@link DelimitedReader.StrayQuotes#REJECT} refuses it. */
        STRAY_QUOTE
    }

    private final Problem problem;
    private final int line;
    private final char character;

    /**
     * @param problem what is wrong
     * @param line the 1-based input line it is on
     * @param character the offending character ({@code '"'} for a quote problem)
     */
    public DelimitedTextException(Problem problem, int line, char character) {
        super("line " + line + ": " + describe(problem, character));
        this.problem = problem;
        this.line = line;
        this.character = character;
    }

    private static String describe(Problem problem, char character) {
        return switch (problem) {
            case UNCLOSED_QUOTE -> "a quoted field starts here and is never closed.";
            case TEXT_AFTER_QUOTE -> "unexpected '" + character + "' after a closing quote (a quote inside a quoted "
                    + "field is written twice: \"\").";
            case STRAY_QUOTE -> "a quote in the middle of an unquoted field; quote the whole field and double the quote.";
        };
    }

    /** @return what is wrong */
    public Problem problem() {
        return problem;
    }

    /** @return the 1-based input line */
    public int line() {
        return line;
    }

    /** @return the offending character */
    public char character() {
        return character;
    }
}
